"""What a receiving place sees of an orientation: its state for this place (a theme orientation
goes to several places; one may have refused it, another taken it), the list's filters and
the lines of the request the place may read (first name, need, contact preference, the
prescripteur's contact; never the person's phone, surname or file).

Used by the espace pro (views/orientations_recues.py) and the signed-link pages."""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from ateliers.enums import Thematique
from inclusion import perms as socle
from mediation import perms
from mediation.enums_orientations import CLOSES, EN_ATTENTE, StatutOrientation
from mediation.models import Destinataire
from mediation.services.orientations import RELANCES

# Waiting this long (the first automatic reminder) stands out in the list.
ATTENTE_LONGUE = RELANCES[0]

A_TRAITER = Q(orientation__statut__in=EN_ATTENTE, decline_le__isnull=True)
CLOSES_ICI = Q(orientation__statut__in=CLOSES) | (
    Q(orientation__statut=StatutOrientation.ACCEPTEE) & ~Q(orientation__lieu_id=F("lieu_id"))
)
FILTRES = {
    "a_traiter": ("À traiter", A_TRAITER),
    "decidees": ("Décidées", ~A_TRAITER & ~CLOSES_ICI),
    "closes": ("Closes", CLOSES_ICI),
}


@dataclass(frozen=True)
class Etat:
    cle: str
    libelle: str


def etat_pour_lieu(destinataire, now=None):
    """The orientation's state as this place sees it. An appointment past and not closed says
    so: nothing else would end it (a session ends with the presence)."""
    o = destinataire.orientation
    if o.statut == StatutOrientation.ANNULEE:
        return Etat("annulee", "Annulée par le prescripteur")
    if o.statut == StatutOrientation.EXPIREE:
        return Etat("expiree", "Expirée sans réponse")
    if o.statut in (StatutOrientation.ACCEPTEE, StatutOrientation.TERMINEE) and (
        o.lieu_id != destinataire.lieu_id
    ):
        return Etat("ailleurs", "Prise en charge par un autre lieu")
    if o.statut == StatutOrientation.ACCEPTEE:
        if o.inscription_id is None and o.rdv_le and o.rdv_le < (now or timezone.now()):
            return Etat("acceptee", "Rendez-vous passé : dites s'il a eu lieu")
        return Etat("acceptee", "Acceptée")
    if o.statut == StatutOrientation.TERMINEE:
        return Etat("terminee", "Terminée")
    if o.statut == StatutOrientation.REFUSEE or destinataire.decline_le is not None:
        return Etat("refusee", "Refusée par votre lieu")
    if o.statut == StatutOrientation.PRISE_EN_COMPTE:
        return Etat("prise_en_compte", "Prise en compte")
    return Etat("ouverte", "Nouvelle, pas encore lue")


def thematiques_labels(keys):
    labels = dict(Thematique.choices)
    return [labels.get(k, k) for k in keys or ()]


def jours_depuis(moment, now=None):
    """Whole Paris calendar days since `moment`."""
    now = now or timezone.now()
    return (timezone.localdate(now) - timezone.localdate(moment)).days


def is_waiting_long(destinataire, now=None):
    """Still waiting for this place's answer past the first reminder."""
    now = now or timezone.now()
    return destinataire.orientation.statut in EN_ATTENTE and (
        destinataire.decline_le is None and now - destinataire.orientation.cree_le >= ATTENTE_LONGUE
    )


def recues_pour(user):
    """Received copies (one per place) the user may read: those of the places of the
    structures where they are médiateur; every one for coordinators. Newest first; the
    person's first name only is fetched."""
    qs = Destinataire.objects.all()
    if not socle.is_coordinateur(user):
        qs = qs.filter(lieu__structure_id__in=perms.structure_ids_reception(user))
    return qs.annotate(prenom=F("orientation__beneficiaire__prenom")).order_by(
        "-orientation__cree_le", "-pk"
    )


def count_by_filter(qs):
    """{filter key: count} in one query."""
    return qs.aggregate(**{cle: Count("pk", filter=q) for cle, (_, q) in FILTRES.items()})
