"""Merging two files of one person, in one step.

Under both rows' locks (taken in pk order, so two merges never deadlock), everything that
points to the removed file moves to the kept one: the socle's SMS history here, the higher
layers' carnets, registrations, activity records and diagnostics through their registered
mergers (inclusion.registry.register_file_merger). Blank fields of the kept file are filled
from the removed one; then the removed file is deleted. A second merge of the same pair,
even at the same instant, finds the removed file gone and is refused.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from inclusion import registry
from inclusion.enums import Genre, Statut, TrancheAge, TypeTelephone
from inclusion.models import Beneficiaire, PaireDistincte, SmsMessage
from inclusion.services import doublons
from inclusion.services.journal import write_journal
from inclusion.sms.optout import MOTIF_CONSENTEMENT, MOTIF_NUMERO, cancel_pending_sms

# Relations to Beneficiaire this module handles itself: (model label, field name).
# Each higher layer's merger declares its own in a `relations` attribute; a test checks that
# every relation to Beneficiaire is handled by someone.
RELATIONS = frozenset(
    {
        ("inclusion.SmsMessage", "beneficiaire"),
        ("inclusion.PaireDistincte", "beneficiaire_a"),
        ("inclusion.PaireDistincte", "beneficiaire_b"),
    }
)

# Fields filled from the removed file when blank on the kept one, and their blank value.
BLANKS = {
    "nom": "",
    "courriel": "",
    "annee_naissance": None,
    "tranche_age": TrancheAge.NON_COMMUNIQUE,
    "genre": Genre.NON_COMMUNIQUE,
    "statut": Statut.NON_COMMUNIQUE,
}
NOTES_SEPARATOR = "\n\n"


def handled_relations():
    """Every (model label, field) a merge moves: the socle's and the registered mergers'."""
    found = set(RELATIONS)
    for merger in registry.file_mergers().values():
        found |= set(getattr(merger, "relations", ()))
    return found


# How a relation's rows are named on the confirmation page when the model's own name reads
# oddly there (a participant row is the person's part in an activity record).
LIBELLES = {"mediation.Participant": ("activité", "activités")}


def what_each_holds(files):
    """{file pk: [(count, label), …]} of what each file holds (what a merge would move), one
    query per relation to Beneficiaire, hidden "+" relations (distinct pairs) left out."""
    pks = [f.pk for f in files]
    held = {pk: [] for pk in pks}
    for rel in Beneficiaire._meta.related_objects:
        model = rel.related_model
        singular, plural = LIBELLES.get(
            model._meta.label, (model._meta.verbose_name, model._meta.verbose_name_plural)
        )
        rows = (
            model._default_manager.filter(**{f"{rel.field.name}__in": pks})
            .order_by()
            .values(rel.field.name)
            .annotate(n=Count("pk"))
            .values_list(rel.field.name, "n")
        )
        for pk, n in rows:
            held[pk].append((n, str(singular if n == 1 else plural)))
    return held


def _lock_pair(acteur, garde, supprime):
    rows = {
        b.pk: b
        for b in Beneficiaire.objects.select_for_update(of=("self",))
        .filter(pk__in=[garde.pk, supprime.pk])
        .order_by("pk")
    }
    if len(rows) < 2:
        raise ValidationError(
            "Un des deux dossiers n'existe plus : il a peut-être déjà été fusionné.",
            code="dossier_introuvable",
        )
    kept, removed = rows[garde.pk], rows[supprime.pk]
    doublons.check_pair(acteur, kept, removed)  # structures may have changed meanwhile
    return kept, removed


def _fill_blanks(kept, removed):
    filled = []
    for field, blank in BLANKS.items():
        if getattr(kept, field) == blank and getattr(removed, field) != blank:
            setattr(kept, field, getattr(removed, field))
            filled.append(field)
    if kept.commune_id is None and removed.commune_id is not None:
        kept.commune_id = removed.commune_id
        filled.append("commune")
    if (
        kept.quartier_id is None
        and removed.quartier_id is not None
        and removed.commune_id == kept.commune_id
    ):
        kept.quartier_id = removed.quartier_id
        filled.append("quartier")
    if removed.notes and removed.notes != kept.notes:
        # Both files' notes are kept: they are the accompaniment's memory.
        kept.notes = NOTES_SEPARATOR.join(n for n in (kept.notes, removed.notes) if n)
        filled.append("notes")
    if not kept.telephone and removed.telephone:
        kept.telephone, kept.type_telephone = removed.telephone, removed.type_telephone
        filled.append("telephone")
    kept.cree_le = min(kept.cree_le, removed.cree_le)
    kept.derniere_activite = max(kept.derniere_activite, removed.derniere_activite)
    return filled


def _e164(telephone):
    return getattr(telephone, "as_e164", None) or str(telephone or "")


def _merge_consent(kept, removed, kept_phone_before):
    """SMS consent belongs to a number. The merged file consents only when every file that
    held its number consented (a file of the same number without consent may be a refusal:
    a refusal never becomes a consent); then the most recent consent is kept."""
    phone = _e164(kept.telephone)
    holders = []
    if phone and kept_phone_before == phone:
        holders.append(kept)
    if phone and _e164(removed.telephone) == phone:
        holders.append(removed)
    consents = (
        kept.type_telephone == TypeTelephone.MOBILE
        and holders
        and all(b.consentement_sms for b in holders)
    )
    if consents:
        latest = max(holders, key=lambda b: b.consentement_sms_le)
        values = (
            True,
            latest.consentement_sms_le,
            latest.consentement_sms_par_id,
            latest.consentement_sms_mode,
        )
    else:
        values = (False, None, None, "")
    (
        kept.consentement_sms,
        kept.consentement_sms_le,
        kept.consentement_sms_par_id,
        kept.consentement_sms_mode,
    ) = values


def _move_socle(kept, removed):
    """The socle's own rows: SMS history moves; the removed file's "distinct" pairs go."""
    final_phone = _e164(kept.telephone) or _e164(removed.telephone)
    if _e164(removed.telephone) != final_phone:
        # Queued texts to a number the merged file no longer has are not sent.
        cancel_pending_sms(beneficiaire=removed, motif=MOTIF_NUMERO)
    moved = SmsMessage.objects.filter(beneficiaire=removed).update(beneficiaire=kept)
    PaireDistincte.objects.filter(beneficiaire_a=removed).delete()
    PaireDistincte.objects.filter(beneficiaire_b=removed).delete()
    return {"sms": moved}


def merge_beneficiaires(*, acteur, garde, supprime):
    """Merge `supprime` into `garde` (the file kept). Returns (kept file, {label: count}).

    Refused (ValidationError with a code) when both are the same file, when either belongs to
    a structure the user cannot see, when the pair was declared two people, and when either
    file no longer exists (merged meanwhile)."""
    doublons.check_pair(acteur, garde, supprime)
    with transaction.atomic():
        kept, removed = _lock_pair(acteur, garde, supprime)
        if doublons.is_declared_distinct(kept, removed):
            raise ValidationError(
                "Ces deux dossiers ont été déclarés comme deux personnes différentes.",
                code="paire_distincte",
            )
        kept_phone_before = _e164(kept.telephone)
        counts = _move_socle(kept, removed)
        for merger in registry.file_mergers().values():
            for label, n in merger(kept, removed, acteur).items():
                counts[label] = counts.get(label, 0) + n
        filled = _fill_blanks(kept, removed)
        _merge_consent(kept, removed, kept_phone_before)
        removed_pk, removed_structure = removed.pk, removed.structure_id
        removed.delete()
        kept.full_clean()
        kept.save()
        if not kept.consentement_sms:
            cancel_pending_sms(beneficiaire=kept, motif=MOTIF_CONSENTEMENT)
        write_journal(
            acteur=acteur,
            action="beneficiaire.fusion",
            objet=kept,
            structure=kept.structure,
            details={
                "supprime": removed_pk,
                "structure_supprime": removed_structure,
                "deplaces": counts,
                "champs_completes": filled,
                "consentement_sms": kept.consentement_sms,
            },
        )
    return kept, counts
