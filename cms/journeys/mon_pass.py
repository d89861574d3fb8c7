""" "Mon pass" on the public site (MonPassPage's routes) and the carnet's QR target /p/<code>.

    ""          "Tapez le code de votre carnet" (a GET form: ?code=… shows the result)
    <code>/     the result: first name, chèques left, end of validity, where to use them,
                the next workshops near the person

No personal data beyond the first name. Unknown codes are counted per client address with
pass_numerique's own limit (the same as its minimal /p/ page): after too many, a 429 page.
The code is in the URL: responses are never stored, never indexed, never sent as a referrer.
"""

import copy

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from cms.journeys import commun, fraicheur, limites
from cms.journeys.forms import CodePassForm
from pass_numerique import codes
from pass_numerique.services import mon_pass as service
from pass_numerique.views import public as pass_public

TEMPLATES = "cms/journeys/mon_pass/"
MAX_ATELIERS = 5


def entetes(response):
    commun.privee(response, store=False)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def lieux_du_programme(programme_id):
    """The places accepting a programme's chèques, kept until a place or a page changes
    (qualifying a place saves it). Their opening state is computed at each request."""
    from pass_numerique.models import Programme

    def calcul():
        return list(service.lieux_acceptant(Programme.objects.get(pk=programme_id)))

    return fraicheur.gardee(calcul, "lieux_du_programme", programme_id)


def ateliers_proches(info, commune_personne):
    """Up to 5 upcoming sessions in the person's commune or the communes of the places.
    Kept under the live state of those sessions (one light query), like the workshop list:
    seats are never stale."""
    from ateliers.models import Session
    from cms.journeys.ateliers import _avec_pictos, for_display

    communes = {lieu.commune_id for lieu in info.lieux}
    if commune_personne:
        communes.add(commune_personne)
    if not communes:
        return []
    qs = for_display(
        Session.objects.a_venir().filter(lieu__commune_id__in=communes, lieu__actif=True)
    )
    etat = list(qs.values_list(*fraicheur.ETAT)[:MAX_ATELIERS])
    if not etat:
        return []
    return fraicheur.gardee(
        lambda: _avec_pictos(list(qs[:MAX_ATELIERS])), "ateliers_proches", sorted(communes), etat
    )


class Routes(RoutablePageMixin):
    """Routes of the "Mon pass" page."""

    def _render(self, request, template, status=200, **contexte):
        contexte.setdefault("page_url", fraicheur.url_de_page(self, request))
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
                pass_public.noter_echec(ip)
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
            pass_public.noter_echec(ip)
            form = CodePassForm(initial={"code": code})
            return self._render(request, "formulaire.html", status=404, form=form, inconnu=True)
        # Copies: the kept places are shared, their opening state is this request's.
        info.lieux = [copy.copy(lieu) for lieu in lieux_du_programme(info.programme_id)]
        now = timezone.now()
        for lieu in info.lieux:
            commun.etat_lieu(lieu, now=now)
        from cms.journeys.lieux import ateliers_url

        sessions = ateliers_proches(info, info.commune_id)
        return self._render(
            request,
            "resultat.html",
            info=info,
            sessions=sessions,
            ateliers_url=ateliers_url(request),
        )


@login_not_required
def qr_code(request, code):
    """/p/<code>: the carnet's QR target, shown as the site's live "Mon pass" page (found with
    one query); pass_numerique's minimal page when the site has none."""
    from cms.models import MonPassPage

    page = fraicheur.gardee(lambda: MonPassPage.objects.live().first() or "", "mon_pass_page")
    if not page:
        return pass_public.mon_pass_view(request, code, ip=limites.client_ip(request))
    request.is_preview = False
    return page.resultat(request, code)
