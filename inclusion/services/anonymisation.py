"""Anonymising a person's file (issue 18): after 24 months without activity, or at once when
the person asks for erasure.

The row stays (its links, counts and statistics too): what identifies the person is blanked
(first name replaced by a placeholder, name, phone, e-mail, birth year, notes, SMS consent),
what statistics need is kept (commune, quartier, age band, genre, status, structure, last
activity). Every layer that holds something about the person blanks it through its
anonymizer (inclusion.registry.register_anonymizer).

Order, per batch, in one transaction:
1. lock the files not anonymised yet (PostgreSQL: SKIP LOCKED, a file being edited waits for
   the next run rather than blocking this one);
2. run every anonymizer with the batch's ids: they run BEFORE the file is blanked, so they may
   still read the people's phone numbers and e-mail addresses from Beneficiaire (in a
   subquery: one UPDATE each);
3. blank the files (one UPDATE) and write one journal line of counts.

A batch is a constant number of queries whatever its size; a run never holds a lock longer
than one batch.
"""

import collections

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from inclusion import conservation, registry
from inclusion.enums import Role, TypeTelephone
from inclusion.models import Beneficiaire
from inclusion.perms import is_coordinateur, roles_of
from inclusion.services.journal import write_journal

BATCH = 500
PRENOM_ANONYME = "Anonyme"  # prenom is required; says what happened, names no one

RAISON_INACTIVITE = "inactivite"
RAISON_EFFACEMENT = "effacement"

CLE_DOSSIERS = "dossiers anonymisés"

# What a file keeps after anonymisation, and what it loses (the erasure page says it).
CHAMPS_EFFACES = {
    "prenom": PRENOM_ANONYME,
    "nom": "",
    "telephone": "",
    "type_telephone": TypeTelephone.AUCUN,  # benef_type_telephone_coherent
    "courriel": "",
    "notes": "",
    "annee_naissance": None,
    "consentement_sms": False,  # benef_consentement_sms_date_et_mobile
    "consentement_sms_le": None,
    "consentement_sms_par": None,
    "consentement_sms_mode": "",
}


def can_erase_beneficiaire(user, beneficiaire):
    """A prescripteur of the file's structure, or a coordinator, erases a file at the
    person's request (a médiateur records activities, the prescripteur answers for the file)."""
    if is_coordinateur(user):
        return True
    return (beneficiaire.structure_id, Role.PRESCRIPTEUR) in roles_of(user)


def _lock(ids, condition):
    qs = Beneficiaire.objects.filter(condition, pk__in=ids, anonymise_le__isnull=True)
    if connection.vendor == "postgresql":
        # of=("self",): only the file rows, never the tables a join would reach.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _anonymise_batch(ids, *, now, raison, acteur, condition, objet):
    with transaction.atomic():
        pks = _lock(ids, condition)
        if not pks:
            return {}
        counts = collections.Counter()
        # Before the files are blanked: anonymizers may read their phones and e-mails.
        for _, anonymizer in registry.anonymizers().items():
            for libelle, n in (anonymizer(pks, now) or {}).items():
                counts[libelle] += n
        Beneficiaire.objects.filter(pk__in=pks).update(**CHAMPS_EFFACES, anonymise_le=now)
        counts[CLE_DOSSIERS] = len(pks)
        write_journal(
            acteur=acteur,
            action="conservation.anonymisation",
            objet=objet,
            structure=objet.structure if objet is not None else None,
            details={"dossiers": len(pks), "raison": raison, **dict(sorted(counts.items()))},
        )
        return counts


def anonymise_files(ids, *, now, raison, acteur=None, condition=None, objet=None):
    """Anonymise the files `ids` not anonymised yet, by batches of BATCH, one transaction
    each (idempotent: an anonymised file is skipped). `condition` (a Q on Beneficiaire) is
    checked again under the lock (e.g. still inactive). Returns {libellé: count}."""
    ids = list(ids)
    condition = condition if condition is not None else Q()
    totals = collections.Counter()
    for start in range(0, len(ids), BATCH):
        totals.update(
            _anonymise_batch(
                ids[start : start + BATCH],
                now=now,
                raison=raison,
                acteur=acteur,
                condition=condition,
                objet=objet,
            )
        )
    return dict(totals)


def anonymise_inactive(now, wet_run=False):
    """The files due at `now` (inclusion.conservation.a_anonymiser), by pk, batch after batch:
    memory stays flat and no lock outlives a batch. Without `wet_run`, counted only."""
    due = Beneficiaire.objects.filter(conservation.a_anonymiser(now))
    if not wet_run:
        return {CLE_DOSSIERS: due.count()}
    totals = collections.Counter({CLE_DOSSIERS: 0})
    last = 0
    while True:
        ids = list(due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        last = ids[-1]
        totals.update(
            anonymise_files(
                ids, now=now, raison=RAISON_INACTIVITE, condition=conservation.a_anonymiser(now)
            )
        )
    return dict(totals)


def obligations(beneficiaire, now=None):
    """The legal duties that forbid erasing the file today: [Obligation] (empty: none)."""
    now = now or timezone.now()
    found = []
    for _, hold in registry.legal_holds().items():
        found.extend(hold(beneficiaire, now) or [])
    return found


def erase_file(*, acteur, beneficiaire, now=None):
    """The person's right to erasure: the file is anonymised at once (rows and counts stay,
    nothing identifies the person any more), unless a legal duty holds (refused, nothing
    written: ValidationError code "obligation_legale" listing the duties). Returns the counts
    ({} when the file was already anonymised)."""
    if not can_erase_beneficiaire(acteur, beneficiaire):
        raise PermissionDenied(
            "Seuls les prescripteurs de la structure et les coordinateurs effacent les données "
            "d'une personne."
        )
    now = now or timezone.now()
    with transaction.atomic():
        # The file locked while its duties are read: a change waits for the erasure.
        beneficiaire = Beneficiaire.objects.select_for_update().get(pk=beneficiaire.pk)
        if beneficiaire.anonymise_le is not None:
            return {}
        holds = obligations(beneficiaire, now)
        if holds:
            raise ValidationError(
                "Les données ne peuvent pas être effacées maintenant. "
                + " ".join(o.message for o in holds),
                code="obligation_legale",
                params={"obligations": [o.code for o in holds]},
            )
        return anonymise_files(
            [beneficiaire.pk],
            now=now,
            raison=RAISON_EFFACEMENT,
            acteur=acteur,
            objet=beneficiaire,
        )
