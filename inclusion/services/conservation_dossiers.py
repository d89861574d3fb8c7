"""Inactive files: the notice before anonymisation and "garder encore" (issue 18).

The rule of when a file is anonymised lives in inclusion.conservation (a_anonymiser,
bientot_anonymises, date_anonymisation); this module only lists the files within the notice
for the people who hold them, and lets them keep a file longer, with a reason. The
anonymisation itself is inclusion.services.anonymisation's.

Who: the prescripteurs AND the médiateurs of the file's structure, and the coordinators —
the people who may open and edit the file (perms.can_edit_beneficiaire). Médiateurs are in
because they too register and follow people (an espace numérique may have no prescripteur at
all: its files would then be anonymised without anyone of the structure being told), and
they may already edit every field of the file. Volontaires never see a file.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from inclusion import conservation, perms
from inclusion.enums import MotifConservation
from inclusion.models import Beneficiaire
from inclusion.services.journal import write_journal

# "Garder encore" keeps a file one year from the day it is asked (a new key
# INCLUSION_CONSERVATION["garder_encore"] overrides it when the settings have one). A fixed
# year, not the whole inactivity delay: the reasons offered (an accompaniment, a procedure,
# the person's request, a legal duty) are reviewed once a year, and the file comes back in
# the list a month before the new date, where it can be kept again.
GARDER_ENCORE_JOURS = 365

ACTION_JOURNAL = "beneficiaire.conservation"


def duree_garder_encore():
    return datetime.timedelta(
        days=settings.INCLUSION_CONSERVATION.get("garder_encore", GARDER_ENCORE_JOURS)
    )


def can_see_notice(user):
    """The list of files soon anonymised: whoever may open files (prescripteurs, médiateurs,
    coordinators); each sees the files of their structures only (the coordinators, all)."""
    return perms.can_list_beneficiaires(user)


def can_keep_file(user, beneficiaire):
    """A prescripteur or médiateur of the file's structure, or a coordinator: the people
    who may view the file (see the module's docstring for the médiateurs). An anonymised
    file is refused by keep_file itself, with its code and a message."""
    return perms.can_view_beneficiaire(user, beneficiaire)


def _jour_delai():
    """SQL: the local day the file's inactivity delay ends (Paris calendar), as
    inclusion.conservation.date_anonymisation computes it (instant + delay, then local day)."""
    return TruncDate(
        ExpressionWrapper(
            F("derniere_activite") + Value(conservation.delai_dossier()),
            output_field=DateTimeField(),
        )
    )


def files_soon_anonymised(user, now=None):
    """The files of the user's scope within the notice (conservation.bientot_anonymises),
    ordered by the day they will be anonymised, then by last activity; each row carries
    `date_anonymisation` (set when the queryset is evaluated, through `with_dates`). One
    query, whatever the number of files; the structure and commune come with it."""
    now = now or timezone.now()
    jour = _jour_delai()
    # Kept beyond the end of the delay: anonymised the day after `conserver_jusquau`. Sorting
    # by (the kept day, kept first after) orders by the true date without date arithmetic
    # in SQL: a kept day k means k + 1, which comes after every unkept day ≤ k.
    garde = Q(conserver_jusquau__isnull=False, conserver_jusquau__gte=jour)
    return (
        Beneficiaire.objects.for_user(user)
        .filter(conservation.bientot_anonymises(now))
        .select_related("structure", "commune")
        .annotate(
            _cle_date=Case(When(garde, then=F("conserver_jusquau")), default=jour),
            _garde=Case(
                When(garde, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("_cle_date", "_garde", "derniere_activite", "pk")
    )


def with_dates(beneficiaires):
    """The rows with `date_anonymisation` set from the one rule (no query)."""
    rows = list(beneficiaires)
    for b in rows:
        b.date_anonymisation = conservation.date_anonymisation(
            b.derniere_activite, b.conserver_jusquau
        )
    return rows


def count_soon_anonymised(user, now=None):
    now = now or timezone.now()
    return Beneficiaire.objects.for_user(user).filter(conservation.bientot_anonymises(now)).count()


@dataclass(frozen=True)
class Preavis:
    """What the person's file says when it will soon be anonymised."""

    date: datetime.date  # the day it will be anonymised (today when already due)
    peut_garder: bool  # the user may keep it ("Garder encore")
    aujourdhui: bool = False  # due today (or waiting for the night's anonymisation)


def notice_for(user, beneficiaire, now=None):
    """A Preavis when the file will be anonymised within the notice (or is due and waits for
    the night's anonymisation), else None. One query: the rule is the Q of
    inclusion.conservation, never rewritten here."""
    now = now or timezone.now()
    if beneficiaire.anonymise_le is not None:
        return None
    due = (
        Beneficiaire.objects.filter(pk=beneficiaire.pk)
        .filter(conservation.a_anonymiser(now + conservation.preavis()))
        .exists()
    )
    if not due:
        return None
    date = conservation.date_anonymisation(
        beneficiaire.derniere_activite, beneficiaire.conserver_jusquau
    )
    today = timezone.localdate(now)
    return Preavis(
        date=max(date, today),
        peut_garder=can_keep_file(user, beneficiaire),
        aujourdhui=date <= today,
    )


def keep_file(*, acteur, beneficiaire, motif, now=None):
    """ "Garder encore": the file is kept one more year from today (GARDER_ENCORE_JOURS):
    `conserver_jusquau` = today + 1 year, so it is anonymised the day after that date at the
    earliest, and comes back in the list a month before. Keeping again extends from the day
    it is asked, never shortens a later date already set. Any new activity still counts as
    usual (the later of the two dates wins, conservation.date_anonymisation).

    `motif` is a MotifConservation value (required: "motif_requis"; another value:
    "motif_inconnu"); an anonymised file cannot be kept ("deja_anonymise"). Who: see
    can_keep_file (PermissionDenied otherwise). Journalised: the motif's key and the new date,
    nothing typed. Returns the date kept until."""
    now = now or timezone.now()
    if not can_keep_file(acteur, beneficiaire):
        raise PermissionDenied("Vous ne pouvez pas garder ce dossier.")
    if not motif:
        raise ValidationError(
            {
                "motif": ValidationError(
                    "Choisissez pourquoi garder ce dossier.", code="motif_requis"
                )
            }
        )
    if motif not in MotifConservation.values:
        raise ValidationError(
            {"motif": ValidationError("Choisissez un motif de la liste.", code="motif_inconnu")}
        )
    jusquau = timezone.localdate(now) + duree_garder_encore()
    with transaction.atomic():
        b = (
            Beneficiaire.objects.select_for_update(of=("self",))
            .select_related("structure")
            .get(pk=beneficiaire.pk)
        )
        if b.anonymise_le is not None:
            raise ValidationError(
                "Ce dossier est déjà anonymisé : il ne peut plus être gardé.",
                code="deja_anonymise",
            )
        if b.conserver_jusquau is not None and b.conserver_jusquau > jusquau:
            jusquau = b.conserver_jusquau
        Beneficiaire.objects.filter(pk=b.pk).update(
            conserver_jusquau=jusquau, conserver_motif=motif
        )
        write_journal(
            acteur=acteur,
            action=ACTION_JOURNAL,
            objet=b,
            structure=b.structure,
            details={"motif": str(motif), "jusquau": jusquau.isoformat()},
        )
    beneficiaire.conserver_jusquau = jusquau
    beneficiaire.conserver_motif = motif
    return jusquau
