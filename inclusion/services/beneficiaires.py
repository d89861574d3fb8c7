"""Registering and updating beneficiaries. Every staff read of a file is journalised."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from inclusion import perms
from inclusion.enums import TrancheAge, TypeTelephone
from inclusion.models import Beneficiaire
from inclusion.services import doublons
from inclusion.services.journal import write_journal
from inclusion.services.telephones import REFUS_SMS, check_consent, parse_phone
from inclusion.sms.optout import MOTIF_CONSENTEMENT, MOTIF_NUMERO, cancel_pending_sms

# Fields a professional may set; everything else is computed here.
EDITABLE_FIELDS = (
    "prenom",
    "nom",
    "courriel",
    "annee_naissance",
    "tranche_age",
    "genre",
    "statut",
    "commune",
    "quartier",
    "notes",
)


def tranche_age_for_year(annee, aujourdhui=None):
    """The La Coop age band for a birth year (age reached this calendar year)."""
    if not annee:
        return TrancheAge.NON_COMMUNIQUE
    age = (aujourdhui or timezone.localdate()).year - annee
    bands = [
        (12, TrancheAge.MOINS_12),
        (18, TrancheAge.DE_12_A_18),
        (25, TrancheAge.DE_18_A_24),
        (40, TrancheAge.DE_25_A_39),
        (60, TrancheAge.DE_40_A_59),
        (70, TrancheAge.DE_60_A_69),
    ]
    for limite, tranche in bands:
        if age < limite:
            return tranche
    return TrancheAge.PLUS_70


def find_duplicates(*, user, prenom, nom="", telephone="", annee_naissance=None, exclure=None):
    """Likely duplicates the user may see (the rule is services.doublons': same phone and
    first name, or same first name, name and birth year; typos, accents and case tolerated)."""
    return doublons.duplicates_of_new(
        user=user,
        prenom=prenom,
        nom=nom,
        telephone=telephone,
        annee_naissance=annee_naissance,
        exclure=exclure,
    )


def _apply_phone(beneficiaire, telephone_saisi, sans_telephone):
    if sans_telephone or not telephone_saisi:
        beneficiaire.telephone = ""
        beneficiaire.type_telephone = TypeTelephone.AUCUN
        return
    tel = parse_phone(telephone_saisi)
    beneficiaire.telephone = tel.e164
    beneficiaire.type_telephone = tel.type


def _apply_consent(beneficiaire, *, consentement_sms, mode, acteur):
    """Consent needs a mobile; the date, the person and the way are kept with it."""
    avant = beneficiaire.consentement_sms
    check_consent(telephone=beneficiaire.telephone, consentement_sms=consentement_sms, mode=mode)
    if consentement_sms:
        if not avant or beneficiaire.consentement_sms_mode != mode:
            beneficiaire.consentement_sms = True
            beneficiaire.consentement_sms_le = timezone.now()
            beneficiaire.consentement_sms_par = acteur
            beneficiaire.consentement_sms_mode = mode
    else:
        beneficiaire.consentement_sms = False
        beneficiaire.consentement_sms_le = None
        beneficiaire.consentement_sms_par = None
        beneficiaire.consentement_sms_mode = ""
    return avant != beneficiaire.consentement_sms


@transaction.atomic
def create_beneficiaire(
    *,
    acteur,
    structure,
    prenom,
    telephone="",
    sans_telephone=False,
    consentement_sms=False,
    consentement_sms_mode="",
    **champs,
):
    """Register a person for `structure`. Raises ValidationError with French messages."""
    if not perms.can_create_beneficiaire(acteur, structure):
        raise PermissionDenied("Vous ne pouvez pas inscrire de personne pour cette structure.")
    inconnus = set(champs) - set(EDITABLE_FIELDS)
    if inconnus:
        raise TypeError(f"Champs inconnus : {sorted(inconnus)}")
    beneficiaire = Beneficiaire(structure=structure, cree_par=acteur, prenom=prenom, **champs)
    _apply_phone(beneficiaire, telephone, sans_telephone)
    _apply_consent(
        beneficiaire, consentement_sms=consentement_sms, mode=consentement_sms_mode, acteur=acteur
    )
    if beneficiaire.annee_naissance and not champs.get("tranche_age"):
        beneficiaire.tranche_age = tranche_age_for_year(beneficiaire.annee_naissance)
    return _save_new_beneficiaire(
        beneficiaire, acteur, {"consentement_sms": beneficiaire.consentement_sms}
    )


def _save_new_beneficiaire(beneficiaire, acteur, details):
    """Check, save and journal a new person (same transaction as the caller's)."""
    beneficiaire.full_clean()
    beneficiaire.save()
    write_journal(
        acteur=acteur,
        action="beneficiaire.creation",
        objet=beneficiaire,
        structure=beneficiaire.structure,
        details=details,
    )
    return beneficiaire


@transaction.atomic
def update_beneficiaire(
    *,
    acteur,
    beneficiaire,
    telephone="",
    sans_telephone=False,
    consentement_sms=False,
    consentement_sms_mode="",
    **champs,
):
    """Update a file. The journal keeps which fields changed, not their values."""
    if not perms.can_edit_beneficiaire(acteur, beneficiaire):
        raise PermissionDenied("Vous ne pouvez pas modifier ce dossier.")
    inconnus = set(champs) - set(EDITABLE_FIELDS)
    if inconnus:
        raise TypeError(f"Champs inconnus : {sorted(inconnus)}")
    # Lock the row so two simultaneous edits cannot interleave.
    beneficiaire = Beneficiaire.objects.select_for_update().get(pk=beneficiaire.pk)
    avant = {f: getattr(beneficiaire, f) for f in (*EDITABLE_FIELDS, "telephone")}
    for champ, valeur in champs.items():
        setattr(beneficiaire, champ, valeur)
    _apply_phone(beneficiaire, telephone, sans_telephone)
    consentement_change = _apply_consent(
        beneficiaire, consentement_sms=consentement_sms, mode=consentement_sms_mode, acteur=acteur
    )
    if "annee_naissance" in champs and champs["annee_naissance"] and not champs.get("tranche_age"):
        beneficiaire.tranche_age = tranche_age_for_year(beneficiaire.annee_naissance)
    beneficiaire.full_clean()
    beneficiaire.save()
    changes = sorted(
        f for f in (*EDITABLE_FIELDS, "telephone") if avant[f] != getattr(beneficiaire, f)
    )
    if consentement_change:
        changes.append("consentement_sms")
    # What waits in the outbox for this person no longer goes (same transaction).
    if not beneficiaire.consentement_sms:
        cancel_pending_sms(beneficiaire=beneficiaire, motif=MOTIF_CONSENTEMENT)
    elif "telephone" in changes:
        cancel_pending_sms(beneficiaire=beneficiaire, motif=MOTIF_NUMERO)
    write_journal(
        acteur=acteur,
        action="beneficiaire.modification",
        objet=beneficiaire,
        structure=beneficiaire.structure,
        details={"champs": changes, "consentement_sms": beneficiaire.consentement_sms},
    )
    return beneficiaire


def record_beneficiaire_read(*, acteur, beneficiaire):
    """Record a staff read of a file (CNIL: access journal)."""
    if not perms.can_view_beneficiaire(acteur, beneficiaire):
        raise PermissionDenied("Vous ne pouvez pas consulter ce dossier.")
    write_journal(
        acteur=acteur,
        action="beneficiaire.consultation",
        objet=beneficiaire,
        structure=beneficiaire.structure,
    )


def touch_activity(*, beneficiaire, quand=None):
    """Called by higher layers when something happens for the person (workshop, chèque…)."""
    Beneficiaire.objects.filter(pk=beneficiaire.pk).update(
        derniere_activite=quand or timezone.now()
    )


# First names compared without case, accents or spaces ("Élodie " = "elodie"): the
# duplicate finder's folding, one copy.
_folded = doublons.fold


@transaction.atomic
def find_or_create_for_registration(
    *, structure, prenom, telephone, consentement_sms, mode, canal, acteur=None, now=None
):
    """The person behind a workshop registration made where no file may be shown: at a kiosk
    (a volontaire, consent given aloud) or on the public site (the person, consent online,
    the number proven by an SMS code). Returns (beneficiaire, created).

    Rule: a file with the same mobile AND the same first name (case and accents ignored) is
    that person, reused silently: a shared family phone keeps one file per first name. SMS
    consent given now is recorded on it; it is never withdrawn here (STOP does that).
    Otherwise a minimal file (first name, mobile) is created for `structure`. `telephone` is
    a services.telephones.Telephone (a mobile) or None. Opt-outs are kept per number, so a
    new file never gets around a STOP. Nothing of an existing file is returned to show."""
    now = now or timezone.now()
    prenom = (prenom or "").strip()
    if not prenom:
        raise ValidationError({"prenom": "Indiquez le prénom."})
    if telephone is not None and not telephone.sms_possible:
        if telephone.refus == "hors_zone":
            erreur = ValidationError(REFUS_SMS["hors_zone"], code="hors_zone")
        else:
            erreur = ValidationError(
                "Ce numéro est un fixe. Indiquez un numéro de mobile (06 ou 07).", code="fixe"
            )
        raise ValidationError({"telephone": erreur})
    if consentement_sms and telephone is None:
        raise ValidationError(
            {"consentement_sms": "Pour recevoir des SMS, indiquez un numéro de mobile."}
        )
    consent = {
        "consentement_sms": True,
        "consentement_sms_le": now,
        "consentement_sms_par": acteur,
        "consentement_sms_mode": mode,
    }
    if telephone is not None:
        same_phone = Beneficiaire.objects.filter(telephone=telephone.e164).order_by("pk")[:50]
        existing = next((b for b in same_phone if _folded(b.prenom) == _folded(prenom)), None)
        if existing is not None:
            if consentement_sms and Beneficiaire.objects.filter(
                pk=existing.pk, consentement_sms=False
            ).update(**consent):
                existing.refresh_from_db()
                write_journal(
                    acteur=acteur,
                    action="beneficiaire.consentement",
                    objet=existing,
                    structure=existing.structure,
                    details={"consentement_sms": True, "canal": canal},
                )
            return existing, False
    beneficiaire = Beneficiaire(
        structure=structure,
        cree_par=acteur,
        prenom=prenom,
        telephone=telephone.e164 if telephone else "",
        type_telephone=telephone.type if telephone else TypeTelephone.AUCUN,
        **(consent if consentement_sms else {}),
    )
    details = {"consentement_sms": consentement_sms, "canal": canal}
    return _save_new_beneficiaire(beneficiaire, acteur, details), True
