""" "Mon pass" on the public site (MonPassPage's routes) and the carnet's QR target /p/<code>.

    ""          "Tapez le code de votre carnet" (a GET form: ?code=… shows the result)
    <code>/     the result: first name, chèques left, end of validity, where to use them,
                the next workshops near the person

No personal data beyond the first name. Unknown codes are counted per client address with
pass_numerique's own limit (the same as its minimal /p/ page): after too many, a 429 page.
The code is in the URL: responses are never stored, never indexed, never sent as a referrer.
What the page shows is built once per programme, commune, workshops' state and minute (no
personal data, no code in it) and the holder's part is put in at each request.
"""

import copy
from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from cms.journeys import commun, limites
from cms.journeys.forms import CodePassForm
from inclusion import page_cache
from pass_numerique import codes
from pass_numerique.services import mon_pass as service
from pass_numerique.views import public as pass_public

TEMPLATES = "cms/journeys/mon_pass/"
MAX_ATELIERS = 5
# Stand-ins for what is the holder's own in the kept page (see Routes._squelette). The path's
# marker is made of letters and "-" only, so the template's urlencode leaves it as it is.
MARQUE_PERSONNEL = "<!--mon-pass:personnel-->"
MARQUE_CHEMIN = "mon-pass-chemin-a7c3e9"


def entetes(response):
    commun.privee(response, store=False)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def lieux_du_programme(programme_id):
    """The places accepting a programme's chèques, kept until a place or a page changes
    (qualifying a place saves it). Their opening state is computed when a page is built."""
    from pass_numerique.models import Programme

    def calcul():
        return list(service.lieux_acceptant(Programme.objects.get(pk=programme_id)))

    return page_cache.kept(calcul, "lieux_du_programme", programme_id)


def ateliers_proches(communes):
    """Up to 5 upcoming sessions in these communes: (queryset, live state). The live state is
    one light query, read at every request, so seats are never stale (as on the list)."""
    from ateliers.models import Session

    if not communes:
        return None, []
    qs = (
        Session.objects.a_venir()
        .filter(lieu__commune_id__in=communes, lieu__actif=True)
        .for_display()
        .order_by("debut", "pk")
    )
    return qs, list(qs.values_list(*commun.ETAT)[:MAX_ATELIERS])


class Routes(RoutablePageMixin):
    """Routes of the "Mon pass" page."""

    def _render(self, request, template, status=200, **contexte):
        contexte.setdefault("page_url", commun.page_url(self, request))
        response = self.render(request, template=TEMPLATES + template, context_overrides=contexte)
        response.status_code = status
        return entetes(response)

    @path("", name="formulaire")
    def formulaire(self, request):
        if "code" in request.GET:
            form = CodePassForm(request.GET)
            if not form.is_valid():
                ip = limites.client_ip(request)
                if pass_public.trop_d_echecs(ip):
                    return self._render(request, "trop.html", status=429)
                pass_public.record_echec(ip)
                return self._render(request, "formulaire.html", status=422, form=form)
            return self.resultat(request, form.cleaned_data["code"])
        return self._render(request, "formulaire.html", form=CodePassForm())

    @path("<str:code>/", name="resultat")
    def resultat(self, request, code):
        ip = limites.client_ip(request)
        if pass_public.trop_d_echecs(ip):
            return self._render(request, "trop.html", status=429)
        try:
            info = service.lookup(code, avec_lieux=False)
        except codes.InvalidCode:
            info = None
        if info is None:
            pass_public.record_echec(ip)
            form = CodePassForm(initial={"code": code})
            return self._render(request, "formulaire.html", status=404, form=form, inconnu=True)
        personnel = render_to_string(TEMPLATES + "_personnel.html", {"info": info})
        contenu = (
            self._squelette(request, info)
            .replace(MARQUE_PERSONNEL, personnel, 1)
            .replace(MARQUE_CHEMIN, quote(request.get_full_path(), safe=""))
        )
        return entetes(HttpResponse(contenu))

    def _squelette(self, request, info):
        """The result page without what is the holder's own (first name, chèques left, the
        code in the page's links): markers stand in their place. It is the same for every
        carnet of a programme, a commune and a state, so it is kept under a key made of
        everything it shows that can change: the generation (names, places, pages), the
        live state of the workshops shown (seats), the minute (opening hours, "demain")."""
        lieux, communes, sessions, etat = [], [], None, []
        if info.utilisable:
            lieux = lieux_du_programme(info.programme_id)
            communes = {lieu.commune_id for lieu in lieux}
            if info.commune_id:
                communes.add(info.commune_id)
            communes = sorted(communes)
            sessions, etat = ateliers_proches(communes)
        now = timezone.now()

        def calcul():
            response = self._render(
                request,
                "resultat.html",
                utilisable=info.utilisable,
                # Copies: the kept places are shared, their opening state is this minute's.
                lieux=[commun.etat_lieu(copy.copy(lieu), now=now) for lieu in lieux],
                sessions=commun.add_pictograms(list(sessions[:MAX_ATELIERS])) if etat else [],
                ateliers_url=commun.live_page_url(request, "AteliersIndexPage"),
                personnel=mark_safe(MARQUE_PERSONNEL),  # noqa: S308  (a constant)
                chemin_suite=MARQUE_CHEMIN,
            )
            response.render()
            return response.content.decode()

        if not page_cache.is_shared(request):
            return calcul()  # the page may carry the visitor's messages
        minute = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
        return page_cache.kept(
            calcul,
            "mon_pass_squelette",
            self.pk,
            request.get_host(),
            page_cache.wants_big_text(request),
            info.utilisable,
            info.programme_id if info.utilisable else None,
            communes,
            etat,
            minute,
        )


@login_not_required
def qr_code(request, code):
    """/p/<code>: the carnet's QR target, shown as the site's live "Mon pass" page (found with
    one query); pass_numerique's minimal page when the site has none. A page with a view
    restriction is reached through Wagtail's routing instead, which asks for it."""

    def calcul():
        page = commun.live_page("MonPassPage")
        return (page, page.get_view_restrictions().exists()) if page else ""

    trouvee = page_cache.kept(calcul, "mon_pass_page")
    if not trouvee:
        return pass_public.mon_pass_view(request, code, ip=limites.client_ip(request))
    page, restreinte = trouvee
    if restreinte:
        return HttpResponseRedirect(commun.page_url(page, request) + quote(code) + "/")
    request.is_preview = False
    return page.resultat(request, code)
