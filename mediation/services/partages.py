"""The dashboards' public share links (mediation.models_pilotage.LienPartage).

Whoever sees the dashboards may share their figures: the link freezes the filters and the
creator's scope at creation, carries a signed random key (a tampered or invented link is
refused before any lookup), can be withdrawn at once, and may end on a date. The page it
opens shows aggregates only, with the "< 5" rule (mediation.pilotage.secret). Creating and
withdrawing are journalised; visits are counted, without anything about the visitor.
"""

import datetime
import uuid

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inclusion import perms as socle
from inclusion.mots_du_temps import date_et_annee_en_mots
from inclusion.services.journal import write_journal
from mediation.models_pilotage import LienPartage
from mediation.pilotage.filtres import Portee, portee_for
from mediation.pilotage.scope import filtres_in_scope

SALT = "mediation.pilotage.partage"
TITRE_MAX = 150
DUREE_MAX = datetime.timedelta(days=366)  # a link ends within a year at most, if dated


class PartageRefuse(Exception):
    """A share link that opens nothing; `code` says why (never matched on text)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def can_share(user):
    """Those who see the dashboards share them (each their own scope)."""
    return socle.can_access_pro(user)


def can_withdraw(user, lien):
    """The creator, or a coordinator (who answers for what the territory publishes)."""
    return lien.cree_par_id == user.pk or socle.is_coordinateur(user)


def visible_partages(user):
    """The links a user sees in the list: all for a coordinator, else their own."""
    qs = LienPartage.objects.select_related("cree_par", "revoque_par")
    if socle.is_coordinateur(user):
        return qs
    return qs.filter(cree_par=user)


def jeton(lien):
    """The signed key carried by the link's URL."""
    return signing.Signer(salt=SALT).sign(lien.cle.hex)


def portee_of(lien):
    """The frozen scope of the link, in public mode."""
    structures = None if lien.structures is None else frozenset(lien.structures)
    return Portee(structures=structures, role=lien.role, publique=True)


def _refusal(field, message, code):
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_titre(titre):
    titre = " ".join((titre or "").split())
    if not titre:
        raise _refusal(
            "titre", "Indiquez un titre, par exemple « Conseil municipal de mars ».", "titre_requis"
        )
    if len(titre) > TITRE_MAX:
        raise _refusal("titre", f"Le titre dépasse {TITRE_MAX} caractères.", "titre_trop_long")
    return titre


def _clean_fin(expire_le, today):
    if expire_le is None:
        return None
    if expire_le < today:
        raise _refusal(
            "expire_le",
            "La date de fin est déjà passée : choisissez aujourd'hui ou plus tard.",
            "fin_passee",
        )
    if expire_le > today + DUREE_MAX:
        raise _refusal(
            "expire_le",
            "Un lien dure un an au plus : choisissez une date plus proche.",
            "fin_trop_lointaine",
        )
    return expire_le


@transaction.atomic
def create_partage(*, acteur, titre, params, expire_le=None, now=None):
    """A new link for the dashboard of `params` (the page's query), in the creator's scope
    (filters outside it are dropped, as on the page)."""
    if not can_share(acteur):
        raise PermissionDenied("Le partage du pilotage est réservé aux professionnels.")
    now = now or timezone.now()
    today = timezone.localdate(now)
    titre = _clean_titre(titre)
    expire_le = _clean_fin(expire_le, today)
    portee = portee_for(acteur)
    filtres, _ = filtres_in_scope(params, portee, today=today)
    lien = LienPartage.objects.create(
        titre=titre,
        filtres=filtres.query(),
        structures=None if portee.territoire else sorted(portee.structures),
        role=portee.role,
        cree_par=acteur,
        cree_le=now,
        expire_le=expire_le,
    )
    write_journal(
        acteur=acteur,
        action="pilotage.partage.creation",
        objet=lien,
        details={"expire_le": expire_le.isoformat() if expire_le else None},
    )
    return lien


@transaction.atomic
def withdraw_partage(*, acteur, lien, now=None):
    """Withdraw once (a conditional UPDATE); a second call is refused with a code."""
    if not can_withdraw(acteur, lien):
        raise PermissionDenied("Seuls son auteur et les coordinateurs retirent ce lien.")
    now = now or timezone.now()
    done = LienPartage.objects.filter(pk=lien.pk, revoque_le__isnull=True).update(
        revoque_le=now, revoque_par=acteur
    )
    if not done:
        raise ValidationError("Ce lien était déjà retiré.", code="deja_retire")
    lien.revoque_le, lien.revoque_par = now, acteur
    write_journal(acteur=acteur, action="pilotage.partage.retrait", objet=lien)
    return lien


def statut(lien, today):
    """ "actif", "retire" or "expire" (the day after its end date)."""
    if lien.revoque_le is not None:
        return "retire"
    if lien.expire_le is not None and today > lien.expire_le:
        return "expire"
    return "actif"


def open_partage(signed, now=None):
    """The live link of a URL's signed key, its visit counted. PartageRefuse otherwise:
    "invalide" (tampered, invented, unknown), "retire", "expire"."""
    try:
        clear = signing.Signer(salt=SALT).unsign(signed or "")
        cle = uuid.UUID(hex=clear)
    except (signing.BadSignature, ValueError):
        raise PartageRefuse("invalide", "Ce lien de partage n'existe pas.") from None
    lien = LienPartage.objects.filter(cle=cle).first()
    if lien is None:
        raise PartageRefuse("invalide", "Ce lien de partage n'existe pas.")
    now = now or timezone.now()
    etat = statut(lien, timezone.localdate(now))
    if etat == "retire":
        raise PartageRefuse("retire", "Ce lien de partage a été retiré par son auteur.")
    if etat == "expire":
        raise PartageRefuse(
            "expire", f"Ce lien de partage a pris fin le {date_et_annee_en_mots(lien.expire_le)}."
        )
    LienPartage.objects.filter(pk=lien.pk).update(
        consultations=F("consultations") + 1, derniere_consultation_le=now
    )
    return lien
