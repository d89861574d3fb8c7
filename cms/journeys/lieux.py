"""The public journey "find a place" (LieuxIndexPage's routes).

    ""              every active place, by commune then quartier, with filters
    <uuid>/         one place

"Ouvert maintenant" is computed from the OpenStreetMap opening hours at each request. The
map (Leaflet, shipped by django-leaflet) is an extra drawn by cms/static/cms/carte/carte.js
from a JSON data island, only when settings.LEAFLET_TILES_URL names a tile server: without
JavaScript or without tiles, the list is complete.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from ateliers.models import Session
from cms.journeys import commun
from cms.journeys.forms import FiltresLieuxForm, parse_ou
from inclusion.enums import ServiceMediation
from inclusion.templatetags.icones import heroicon_outline

TEMPLATES = "cms/journeys/lieux/"

# The national standard's services in everyday words, with a pictogram.
SERVICES = {
    ServiceMediation.DEMARCHES: ("building-library", "Aide pour vos démarches en ligne"),
    ServiceMediation.QUOTIDIEN: (
        "device-phone-mobile",
        "Apprendre à utiliser un ordinateur ou un téléphone",
    ),
    ServiceMediation.INSERTION: ("briefcase", "Chercher un emploi avec internet"),
    ServiceMediation.SECURITE: ("shield-check", "Se protéger des arnaques sur internet"),
    ServiceMediation.PARENTALITE: ("users", "Aider vos enfants avec le numérique"),
    ServiceMediation.LOISIRS: ("paint-brush", "Créer et s'amuser avec le numérique"),
    ServiceMediation.COMPREHENSION: ("light-bulb", "Comprendre le numérique"),
    ServiceMediation.ACCES: ("wifi", "Un ordinateur et internet sur place"),
    ServiceMediation.MATERIEL: ("shopping-cart", "Acheter un ordinateur pas cher"),
}


def services_en_mots(lieu):
    resultat = []
    for valeur in lieu.services or []:
        picto, texte = SERVICES.get(valeur, ("check-circle", str(valeur)))
        svg = heroicon_outline(
            picto, size=24, **{"aria-hidden": "true", "focusable": "false", "class": "ligne__picto"}
        )
        resultat.append((svg, texte))
    return resultat


def prepare_lieu(lieu, now):
    commun.etat_lieu(lieu, now=now)
    lieu.services_mots = services_en_mots(lieu)
    return lieu


def tuiles():
    """settings.LEAFLET_TILES_URL (default ""): the map is drawn only when it is set."""
    return getattr(settings, "LEAFLET_TILES_URL", "") or ""


def attribution():
    """settings.LEAFLET_TILES_ATTRIBUTION: the tiles' credit, shown as text on the map."""
    return getattr(settings, "LEAFLET_TILES_ATTRIBUTION", "") or (
        "© les contributeurs d'OpenStreetMap"
    )


def donnees_carte(lieux, page_url):
    return [
        {
            "nom": lieu.nom,
            "lat": float(lieu.latitude),
            "lon": float(lieu.longitude),
            "adresse": f"{lieu.adresse}, {lieu.commune.nom}",
            "url": f"{page_url}{lieu.uuid}/",
            "ouvert": bool(lieu.ouvert),
        }
        for lieu in lieux
        if lieu.latitude is not None and lieu.longitude is not None
    ]


def group_by_commune(lieux):
    """[(commune, [(quartier or None, [lieux])])], communes and quartiers by name."""
    communes = {}
    for lieu in lieux:
        quartiers = communes.setdefault(lieu.commune_id, (lieu.commune, {}))[1]
        quartiers.setdefault(lieu.quartier_id, (lieu.quartier, []))[1].append(lieu)
    resultat = []
    for commune, quartiers in sorted(communes.values(), key=lambda c: c[0].nom):
        groupes = sorted(quartiers.values(), key=lambda q: (q[0] is None, q[0].nom if q[0] else ""))
        resultat.append((commune, groupes))
    return resultat


class Routes(RoutablePageMixin):
    """Routes of the places' page."""

    def _render(self, request, template, status=200, **contexte):
        contexte.setdefault("page_url", commun.page_url(self, request))
        response = self.render(request, template=TEMPLATES + template, context_overrides=contexte)
        response.status_code = status
        return commun.privee(response)

    @path("", name="liste")
    def liste(self, request):
        now = timezone.now()
        tous = commun.lieux_publics()
        communes, quartiers = commun.communes_et_quartiers(tous)
        form = FiltresLieuxForm(request.GET or None, communes=communes, quartiers=quartiers)
        lieux = tous
        ouverts_seulement = False
        status = 200
        if form.is_bound:
            if form.is_valid():
                type_ou, pk = parse_ou(form.cleaned_data["ou"])
                lieux = commun.filter_by_ou(lieux, type_ou, pk)
                if form.cleaned_data["pass_numerique"]:
                    lieux = lieux.filter(qualifie_pass=True)
                ouverts_seulement = form.cleaned_data["ouvert"]
            else:
                lieux = lieux.none()
                status = 400
        lieux = [
            prepare_lieu(lieu, now)
            for lieu in lieux.select_related("commune", "quartier").order_by("commune__nom", "nom")
        ]
        if ouverts_seulement:
            lieux = [lieu for lieu in lieux if lieu.ouvert]
        page_url = self.get_url(request)
        avec_carte = bool(tuiles())
        return self._render(
            request,
            "liste.html",
            status=status,
            form=form,
            lieux=lieux,
            groupes=group_by_commune(lieux),
            filtre_actif=form.is_bound,
            carte=donnees_carte(lieux, page_url) if avec_carte else None,
            tuiles=tuiles(),
            attribution=attribution(),
        )

    @path("<uuid:uuid>/", name="lieu")
    def lieu(self, request, uuid):
        lieu = get_object_or_404(
            commun.lieux_publics().select_related("commune", "quartier"), uuid=uuid
        )
        prepare_lieu(lieu, timezone.now())
        sessions = commun.add_pictograms(
            list(Session.objects.a_venir().filter(lieu=lieu).for_display()[:5])
        )
        return self._render(
            request,
            "lieu.html",
            lieu=lieu,
            sessions=sessions,
            ateliers_url=commun.live_page_url(request, "AteliersIndexPage"),
        )
