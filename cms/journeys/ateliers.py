"""The public journey "find a workshop and register" (AteliersIndexPage's routes).

    ""                               upcoming sessions, filtered by place, subject and day
    session/<pk>/                    one session, "Je m'inscris"
    session/<pk>/inscription/        screen 1: first name, mobile, consent (or no phone)
    session/<pk>/sans-telephone/     no phone: call or come
    session/<pk>/code/               screen 2: the code received by SMS
    session/<pk>/fin/                screen 3: done (or waiting list), what to bring

Seats are read at every request (never a cached page). Each step redirects after a POST.
"""

import datetime
from functools import cached_property
from urllib.parse import urlencode

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from ateliers.enums import THEMATIQUES_ADMINISTRATIVES, Thematique
from ateliers.models import Session, Theme
from cms.journeys import commun, inscription
from cms.journeys.forms import CodeForm, FiltresAteliersForm, InscriptionForm, parse_ou
from inclusion import page_cache

SEMAINES = 8  # the list shows the next 8 weeks
MAX_SESSIONS = 60
JOURS_SEMAINE = {  # Django's week_day: 1 = Sunday
    "dimanche": 1,
    "lundi": 2,
    "mardi": 3,
    "mercredi": 4,
    "jeudi": 5,
    "vendredi": 6,
    "samedi": 7,
}
TEMPLATES = "cms/journeys/ateliers/"
# Themes where people bring their papers: démarches and the administrative families.
THEMATIQUES_AVEC_PAPIERS = THEMATIQUES_ADMINISTRATIVES | {
    Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES
}


def a_apporter(theme):
    """What to bring, from the theme's fields: (pictogram, sentence) pairs."""
    choses = []
    if theme.avec_cheque:
        choses.append(("ticket", "Votre carnet pass numérique. L'atelier coûte 1 chèque."))
    if theme.pictogramme == "device-phone-mobile":
        choses.append(("device-phone-mobile", "Votre téléphone portable et son chargeur."))
    if theme.pictogramme == "device-tablet":
        choses.append(("device-tablet", "Votre tablette et son chargeur."))
    thematiques = set(theme.thematiques or [])
    if Thematique.EMAIL in thematiques:
        choses.append(("envelope", "Votre adresse e-mail et son mot de passe, si vous en avez."))
    if thematiques & THEMATIQUES_AVEC_PAPIERS:
        choses.append(("identification", "Votre carte d'identité et les courriers utiles."))
    choses.append(("eye", "Vos lunettes, si vous en portez."))
    return choses


def sessions_a_venir(now=None):
    now = now or timezone.now()
    return Session.objects.a_venir(now).filter(
        debut__lt=now + datetime.timedelta(weeks=SEMAINES), lieu__actif=True
    )


class Liste:
    """The sessions a request of the list asks for (filters checked), and the key of its
    kept HTML: the same for the page's route and before the routing (answer_before_routing)."""

    def __init__(self, page_pk, request):
        self.page_pk = page_pk
        self.request = request
        now = timezone.now()
        self.toutes = toutes = sessions_a_venir(now)
        self.jour = commun.aujourdhui()
        sessions = toutes
        self.erreur = False
        # The filters asked, once checked: the cache key is made of these alone, so unknown
        # parameters or another order never make a new entry.
        self.filtres = ("", "", "")
        # Without filters (most visits) the form is only needed to render a miss.
        form = self.form if request.GET else None
        if form is not None:
            if form.is_valid():
                self.filtres = tuple(form.cleaned_data[nom] for nom in ("ou", "theme", "jour"))
                type_ou, pk = parse_ou(form.cleaned_data["ou"])
                sessions = commun.filter_by_ou(sessions, type_ou, pk, prefixe="lieu__")
                if form.cleaned_data["theme"]:
                    sessions = sessions.filter(theme_id=int(form.cleaned_data["theme"]))
                choix_jour = form.cleaned_data["jour"]
                if choix_jour == "aujourdhui":
                    sessions = sessions.filter(debut__date=self.jour)
                elif choix_jour == "demain":
                    sessions = sessions.filter(debut__date=commun.demain())
                elif choix_jour in JOURS_SEMAINE:
                    sessions = sessions.filter(debut__week_day=JOURS_SEMAINE[choix_jour])
            else:
                self.erreur = True
                sessions = sessions.none()
        self.sessions = sessions

    @cached_property
    def form(self):
        toutes = self.toutes

        def calcul_choix():
            communes, quartiers = commun.communes_et_quartiers(
                commun.lieux_publics().filter(sessions_ateliers__in=toutes)
            )
            themes = list(Theme.objects.filter(actif=True, sessions__in=toutes).distinct())
            return communes, quartiers, themes

        communes, quartiers, themes = page_cache.kept(
            calcul_choix, "choix", self.page_pk, self.jour
        )
        return FiltresAteliersForm(
            self.request.GET or None, communes=communes, quartiers=quartiers, themes=themes
        )

    @property
    def filtre_actif(self):
        return self.erreur or any(self.filtres)

    def chemin(self):
        """This list's path with its checked filters only, in a fixed order: what a kept page
        may link back to (never a stranger's parameters)."""
        filtres = [(n, v) for n, v in zip(("ou", "theme", "jour"), self.filtres, strict=True) if v]
        return self.request.path + (f"?{urlencode(filtres)}" if filtres else "")

    @cached_property
    def montrees(self):
        # Same order as the live state's (ties at the same hour included).
        return self.sessions.for_display().select_related("lieu__commune").order_by("debut", "pk")

    def cle(self):
        """None when this answer must be rendered for the visitor (bad filters, a session)."""
        if self.erreur or not page_cache.is_shared(self.request):
            return None
        # The live state alone: no joins for names, only what UPDATE statements change.
        etat = list(
            self.sessions.with_attente()
            .values_list(*commun.ETAT)
            .order_by("debut", "pk")[:MAX_SESSIONS]
        )
        return page_cache.key(
            "liste",
            page_cache.generation(),
            self.page_pk,
            self.filtres,
            page_cache.wants_big_text(self.request),
            self.jour,
            etat,
        )


def list_page(request):
    """(pk, URL, has a view restriction) of the live workshops' page for this host, or ()."""

    def compute():
        page = commun.live_page("AteliersIndexPage")
        if page is None:
            return ()
        return (page.pk, page.get_url(request), page.get_view_restrictions().exists())

    return page_cache.kept(compute, "list_page", request.get_host())


def registration_url(request, session):
    """The public registration page of a session (the diagnostic's result links to it), or ""
    when the workshops' page is missing or restricted."""
    page = list_page(request)
    if not page or page[2]:
        return ""
    return page[1].rstrip("/") + f"/session/{session.pk}/inscription/"


def answer_before_routing(request):
    """Registered with the page cache (cms/apps.py): the list's kept HTML when its key (live
    state of the sessions shown) finds it, without Wagtail's routing. Anything else (a miss,
    filters in error, a restricted page) goes the normal way, which renders and keeps it."""
    page = list_page(request)
    if not page or page[2] or request.path != page[1]:
        return None
    key = Liste(page[0], request).cle()
    html = page_cache.kept_html(key) if key else None
    return commun.privee(page_cache.answer(request, html)) if html else None


class Routes(RoutablePageMixin):
    """Routes of the workshops' page."""

    def url_route(self, request, nom, *args):
        return self.get_url(request) + self.reverse_subpage(nom, args=args)

    def _render(self, request, template, status=200, **contexte):
        contexte.setdefault("page_url", commun.page_url(self, request))
        response = self.render(request, template=TEMPLATES + template, context_overrides=contexte)
        response.status_code = status
        return commun.privee(response)

    def _session(self, pk):
        return get_object_or_404(Session.objects.a_venir().for_display(), pk=pk)

    # --- The list ---------------------------------------------------------------------------

    @path("", name="liste")
    def liste(self, request):
        liste = Liste(self.pk, request)
        key = liste.cle()
        if key is not None:
            html = page_cache.kept_html(key)
            if html is not None:
                return commun.privee(page_cache.answer(request, html))
        response = self._render(
            request,
            "liste.html",
            status=400 if liste.erreur else 200,
            form=liste.form,
            sessions=commun.add_pictograms(list(liste.montrees[:MAX_SESSIONS])),
            filtre_actif=liste.filtre_actif,
            # The page is kept for every visitor asking these filters: links back carry them only.
            **({"chemin_suite": liste.chemin()} if key is not None else {}),
            semaines=SEMAINES,
        )
        if key is not None:
            response.render()
            page_cache.keep_html(key, response.content)
        return response

    # --- One session ------------------------------------------------------------------------

    @path("session/<int:pk>/", name="session")
    def session(self, request, pk):
        session = self._session(pk)
        commun.add_pictograms([session])
        return self._render(
            request,
            "session.html",
            session=session,
            choses=a_apporter(session.theme),
            lieu=commun.etat_lieu(session.lieu),
        )

    @path("session/<int:pk>/sans-telephone/", name="sans_telephone")
    def sans_telephone(self, request, pk):
        session = self._session(pk)
        commun.add_pictograms([session])
        return self._render(
            request, "sans_telephone.html", session=session, lieu=commun.etat_lieu(session.lieu)
        )

    # --- Screen 1 ---------------------------------------------------------------------------

    @path("session/<int:pk>/inscription/", name="inscription")
    def inscription(self, request, pk):
        return csrf_protect(self._inscription)(request, pk)

    def _inscription(self, request, pk):
        session = self._session(pk)
        commun.add_pictograms([session])
        form = InscriptionForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST":
            if form.piege:
                inscription.leurre(request, session=session)
                return HttpResponseRedirect(self.url_route(request, "code", pk))
            if form.is_valid():
                try:
                    inscription.start(
                        request,
                        session=session,
                        prenom=form.cleaned_data["prenom"],
                        telephone=form.cleaned_data["telephone"],
                    )
                except inscription.Refus as refus:
                    form.add_error(refus.champ, refus.message)
                    status = refus.status
                else:
                    return HttpResponseRedirect(self.url_route(request, "code", pk))
            else:
                status = 422
        return self._render(request, "inscription.html", status=status, session=session, form=form)

    # --- Screen 2 ---------------------------------------------------------------------------

    @path("session/<int:pk>/code/", name="code")
    def code(self, request, pk):
        return csrf_protect(self._code)(request, pk)

    def _code(self, request, pk):
        session = self._session(pk)
        data = inscription.en_cours(request, session)
        if data is None:
            return HttpResponseRedirect(self.url_route(request, "inscription", pk))
        commun.add_pictograms([session])
        form = CodeForm()
        status = 200
        message = request.session.pop("inscription_publique_message", "")
        if request.method == "POST":
            if request.POST.get("action") == "renvoyer":
                try:
                    inscription.resend_code(request, session=session)
                except inscription.Refus as refus:
                    form = CodeForm()
                    erreur_renvoi = refus.message
                    return self._render_code(
                        request, session, form, data, status=refus.status, erreur=erreur_renvoi
                    )
                request.session["inscription_publique_message"] = (
                    "Nous avons envoyé un nouveau code. L'ancien code ne marche plus."
                )
                return HttpResponseRedirect(self.url_route(request, "code", pk))
            form = CodeForm(request.POST)
            if form.is_valid():
                try:
                    data = inscription.check_code(
                        request, session=session, code=form.cleaned_data["code"]
                    )
                    inscription.finish(request, session=session, data=data)
                except inscription.Refus as refus:
                    if refus.champ:
                        form.add_error(refus.champ, refus.message)
                        status = refus.status
                    else:
                        return self._render(
                            request,
                            "impossible.html",
                            status=refus.status,
                            session=session,
                            message=refus.message,
                        )
                else:
                    return HttpResponseRedirect(self.url_route(request, "fin", pk))
            else:
                status = 422
        data = inscription.en_cours(request, session) or data
        return self._render_code(request, session, form, data, status=status, message=message)

    def _render_code(self, request, session, form, data, status=200, erreur="", message=""):
        from inclusion.services.telephones import mask_phone

        return self._render(
            request,
            "code.html",
            status=status,
            session=session,
            form=form,
            numero=mask_phone(data.get("e164", "")),
            erreur_renvoi=erreur,
            message=message,
            peut_renvoyer=data["envois"] < inscription.ENVOIS_MAX,
        )

    # --- Screen 3 ---------------------------------------------------------------------------

    @path("session/<int:pk>/fin/", name="fin")
    def fin(self, request, pk):
        session = get_object_or_404(Session.objects.for_display(), pk=pk)
        resultat = inscription.fin(request, session)
        if resultat is None:
            raise Http404("Aucune inscription en cours pour cet atelier.")
        commun.add_pictograms([session])
        return self._render(
            request,
            "fin.html",
            session=session,
            resultat=resultat,
            choses=a_apporter(session.theme),
            lieu=commun.etat_lieu(session.lieu),
        )
