"""Issue 18: how long the mediation layer keeps its data, and the purges that enforce it.

An orientation's free text (what the person needs in a few words, the messages, where and
what to bring, why it was cancelled) and the address its link was sent to are blanked a while
after it is closed; its status, dates and ticked needs (thematiques) stay, so the figures of
orientations do not move."""

import math

from django.db.models import Exists, OuterRef, Q

from inclusion import conservation
from inclusion.conservation import Delai
from inclusion.services.purges import par_lots
from mediation.enums_orientations import StatutOrientation
from mediation.models import Destinataire, Orientation
from mediation.services import etat

TEXTES = ("besoin", "rdv_lieu", "a_apporter", "message", "motif_annulation")
TEXTES_DESTINATAIRE = ("message", "lien_envoye_a")


def closes_avant(limite):
    """Q of the orientations closed before `limite`: terminated, refused, expired or
    cancelled, each dated by its own field."""
    return (
        Q(statut=StatutOrientation.TERMINEE, termine_le__lt=limite)
        | Q(statut=StatutOrientation.REFUSEE, decide_le__lt=limite)
        | Q(statut=StatutOrientation.EXPIREE, expire_le__lt=limite)
        | Q(statut=StatutOrientation.ANNULEE, annule_le__lt=limite)
    )


def _avec_texte():
    texte = Q()
    for champ in TEXTES:
        texte |= ~Q(**{champ: ""})
    destinataire = Q()
    for champ in TEXTES_DESTINATAIRE:
        destinataire |= ~Q(**{champ: ""})
    return texte | Exists(Destinataire.objects.filter(destinataire, orientation=OuterRef("pk")))


def _blank_texts(orientations):
    pks = list(orientations.values_list("pk", flat=True))
    Destinataire.objects.filter(orientation_id__in=pks).update(
        **dict.fromkeys(TEXTES_DESTINATAIRE, "")
    )
    # update() leaves modifie_le alone: blanking is not an activity on the orientation.
    return Orientation.objects.filter(pk__in=pks).update(**dict.fromkeys(TEXTES, ""))


def purge_orientation_texte(now, wet_run):
    limite = now - conservation.delai("orientation_texte").duree
    orientations = Orientation.objects.filter(closes_avant(limite)).filter(_avec_texte())
    return {
        "orientations dont le texte est effacé": par_lots(
            orientations, _blank_texts, wet_run=wet_run
        )
    }


conservation.register(
    Delai(
        cle="orientation_texte",
        donnees=(
            "Le texte libre d'une orientation (le besoin en quelques mots, les messages, le lieu "
            "du rendez-vous, ce qu'il faut apporter, la raison d'une annulation) et l'adresse "
            "e-mail à laquelle le lien a été envoyé"
        ),
        apres="après la clôture de l'orientation (terminée, refusée, expirée ou annulée)",
        ensuite="effacé ; l'état, les dates et les besoins cochés restent pour les statistiques",
        finalite=(
            "Suivre l'orientation avec la personne et le lieu qui l'accueille, puis pouvoir y "
            "revenir en cas de question."
        ),
        ordre=30,
    ),
    purge_orientation_texte,
)
# The kiosk's journey lives in the session only (mediation/services/etat.py): dropped at
# "Recommencer" or after a few idle minutes, and at the latest with the kiosk's session, which
# expires this long after its last action (purged by the sessions' purge).
conservation.register(
    Delai(
        cle="parcours_kiosque",
        donnees=(
            "Le parcours en cours à une borne (l'atelier ou le lieu choisi, l'inscription "
            "qui vient d'être faite)"
        ),
        apres="après la dernière action à la borne",
        ensuite=(
            "effacé avec la session ; en pratique dès « Recommencer » ou après quelques minutes "
            "sans action"
        ),
        finalite="Mener une démarche jusqu'au bout à la borne, sans la montrer à la suivante.",
        ordre=62,
        heures=max(1, math.ceil(etat.duree_service().total_seconds() / 3600)),
    )
)
