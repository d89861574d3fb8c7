"""Inactive files (issue 18), the prescripteurs' side: the notice a month before the
anonymisation, "garder encore" with a reason, who sees and keeps what. Frozen time: the
tests' clock (tests.clock.FROZEN_AT, 17 November 2026), the delay 730 days, the notice 30."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from inclusion import conservation
from inclusion.enums import MotifConservation, Role
from inclusion.models import Beneficiaire, Journal
from inclusion.services import conservation_dossiers as cd
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, StructureFactory, member
from tests.validation import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

DELAI = 730


def inactive(structure, jours_restants, **kwargs):
    """A file whose delay ends `jours_restants` days from now (at this hour)."""
    return BeneficiaireFactory(
        structure=structure,
        derniere_activite=FROZEN_AT - datetime.timedelta(days=DELAI - jours_restants),
        **kwargs,
    )


def is_due(b, when):
    return Beneficiaire.objects.filter(pk=b.pk).filter(conservation.a_anonymiser(when)).exists()


@pytest.fixture
def structure():
    return StructureFactory(nom="CCAS A")


@pytest.fixture
def prescripteur(structure):
    return member(Role.PRESCRIPTEUR, structure=structure)


def listed(user, now=None):
    return cd.with_dates(cd.files_soon_anonymised(user, now or timezone.now()))


def test_settings_are_the_ones_these_tests_count_on():
    assert conservation.delai_dossier().days == DELAI
    assert conservation.preavis().days == 30
    assert cd.duree_garder_encore().days == 365


def test_a_file_31_days_from_its_end_is_not_listed_29_days_is_with_its_date(
    structure, prescripteur
):
    inactive(structure, 31, prenom="Loin")
    proche = inactive(structure, 29, prenom="Proche")
    inactive(structure, 400, prenom="Active")
    rows = listed(prescripteur)
    assert [b.prenom for b in rows] == ["Proche"]
    assert rows[0].date_anonymisation == datetime.date(2026, 12, 16)
    assert rows[0].pk == proche.pk


def test_due_files_and_anonymised_files_are_not_listed(structure, prescripteur):
    inactive(structure, -1, prenom="Due")  # waits for the night's anonymisation
    inactive(structure, 10, prenom="Anonyme", anonymise_le=FROZEN_AT)
    assert listed(prescripteur) == []


def test_the_list_is_ordered_by_the_day_of_anonymisation(structure, prescripteur):
    inactive(structure, 20, prenom="Vingt")
    inactive(structure, 5, prenom="Cinq")
    # Kept a year ago until 12 days from now: anonymised in 13 days, between the two.
    inactive(
        structure,
        -300,
        prenom="Garde",
        conserver_jusquau=FROZEN_AT.date() + datetime.timedelta(days=12),
        conserver_motif=MotifConservation.DEMARCHE,
    )
    # Its delay ends the day the other's keeping ends: it goes first (the other, a day after).
    inactive(structure, 12, prenom="Douze")
    rows = listed(prescripteur)
    assert [b.prenom for b in rows] == ["Cinq", "Douze", "Garde", "Vingt"]
    dates = [b.date_anonymisation for b in rows]
    assert dates == sorted(dates)
    assert rows[2].date_anonymisation == FROZEN_AT.date() + datetime.timedelta(days=13)


def test_the_sql_order_agrees_with_the_one_rule_near_midnight(structure, prescripteur):
    """Last activities at 23:30 and 00:30 Paris (the UTC day differs from the local one): the SQL
    order and conservation.date_anonymisation agree."""
    paris = FROZEN_AT.tzinfo
    for jour, heure in ((2024, 23), (2024, 0)):
        for d in (11, 12, 13, 14, 15):
            BeneficiaireFactory(
                structure=structure,
                derniere_activite=datetime.datetime(jour, 12, d, heure, 30, tzinfo=paris),
            )
    rows = listed(prescripteur)
    assert len(rows) == 10
    dates = [b.date_anonymisation for b in rows]
    assert dates == sorted(dates)
    assert [b._cle_date for b in rows] == dates  # the Paris day, computed in SQL


def test_keeping_a_file_takes_it_off_the_list_until_a_month_before_its_new_date(
    structure, prescripteur
):
    b = inactive(structure, 29)
    jusquau = cd.keep_file(
        acteur=prescripteur, beneficiaire=b, motif=MotifConservation.ACCOMPAGNEMENT
    )
    assert jusquau == datetime.date(2027, 11, 17)
    b.refresh_from_db()
    assert (b.conserver_jusquau, b.conserver_motif) == (jusquau, "accompagnement")
    assert listed(prescripteur) == []
    assert conservation.date_anonymisation(b.derniere_activite, b.conserver_jusquau) == (
        datetime.date(2027, 11, 18)
    )
    # Not due the whole time it is kept, its last day included; due the day after.
    for when in (
        FROZEN_AT + datetime.timedelta(days=29, hours=1),
        datetime.datetime(2027, 11, 17, 23, 59, tzinfo=FROZEN_AT.tzinfo),
    ):
        assert not is_due(b, when)
    assert is_due(b, datetime.datetime(2027, 11, 18, 0, 1, tzinfo=FROZEN_AT.tzinfo))
    # Listed again a month before: not on 17 October 2027, on 19 October.
    with time_machine.travel(datetime.datetime(2027, 10, 17, 10, tzinfo=FROZEN_AT.tzinfo)):
        assert listed(prescripteur) == []
    with time_machine.travel(datetime.datetime(2027, 10, 19, 10, tzinfo=FROZEN_AT.tzinfo)):
        rows = listed(prescripteur)
        assert [r.pk for r in rows] == [b.pk]
        assert rows[0].date_anonymisation == datetime.date(2027, 11, 18)


def test_keeping_again_extends_from_today_and_never_shortens(structure, prescripteur):
    b = inactive(structure, 29)
    cd.keep_file(acteur=prescripteur, beneficiaire=b, motif=MotifConservation.DEMANDE)
    with time_machine.travel(datetime.datetime(2027, 10, 20, 10, tzinfo=FROZEN_AT.tzinfo)):
        again = cd.keep_file(acteur=prescripteur, beneficiaire=b, motif="demarche")
    assert again == datetime.date(2028, 10, 19)
    # Back to a day before (a clock that goes back): the later date stays.
    assert cd.keep_file(acteur=prescripteur, beneficiaire=b, motif="demarche") == again
    b.refresh_from_db()
    assert b.conserver_jusquau == again


def test_new_activity_after_keeping_wins_when_later(structure, prescripteur):
    b = inactive(structure, 29)
    cd.keep_file(acteur=prescripteur, beneficiaire=b, motif="accompagnement")
    from inclusion.services.beneficiaires import touch_activity

    touch_activity(beneficiaire=b)
    b.refresh_from_db()
    assert conservation.date_anonymisation(b.derniere_activite, b.conserver_jusquau) == (
        datetime.date(2028, 11, 16)
    )


# --- Who sees, who keeps -------------------------------------------------------------------


def test_each_structure_sees_its_own_files_and_the_coordinator_all(structure, prescripteur):
    autre = StructureFactory(nom="Association B")
    a = inactive(structure, 10, prenom="Alice")
    b = inactive(autre, 11, prenom="Bruno")
    prescripteur_b = member(Role.PRESCRIPTEUR, structure=autre)
    mediateur_a = member(Role.MEDIATEUR, structure=structure)
    volontaire_a = member(Role.VOLONTAIRE, structure=structure)
    coordinateur = member(Role.COORDINATEUR)
    assert [r.pk for r in listed(prescripteur)] == [a.pk]
    assert [r.pk for r in listed(prescripteur_b)] == [b.pk]
    assert [r.pk for r in listed(mediateur_a)] == [a.pk]
    assert [r.pk for r in listed(coordinateur)] == [a.pk, b.pk]
    assert listed(volontaire_a) == []
    assert not cd.can_see_notice(volontaire_a)
    assert cd.count_soon_anonymised(coordinateur) == 2


def test_only_the_files_people_may_keep_it(structure, prescripteur):
    b = inactive(structure, 10)
    autre = StructureFactory()
    for intrus in (
        member(Role.PRESCRIPTEUR, structure=autre),
        member(Role.MEDIATEUR, structure=autre),
        member(Role.VOLONTAIRE, structure=structure),
    ):
        with pytest.raises(PermissionDenied):
            cd.keep_file(acteur=intrus, beneficiaire=b, motif="accompagnement")
    b.refresh_from_db()
    assert b.conserver_jusquau is None
    assert not Journal.objects.filter(action=cd.ACTION_JOURNAL).exists()
    for allowed in (member(Role.MEDIATEUR, structure=structure), member(Role.COORDINATEUR)):
        assert cd.keep_file(acteur=allowed, beneficiaire=b, motif="obligation")


# --- Refusals, the journal -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("motif", "code"),
    [("", "motif_requis"), (None, "motif_requis"), ("autre", "motif_inconnu"),
     ("Il revient en janvier", "motif_inconnu")],
)  # fmt: skip
def test_a_missing_or_unknown_reason_is_refused_and_nothing_written(
    structure, prescripteur, motif, code
):
    b = inactive(structure, 10)
    refused(code, cd.keep_file, acteur=prescripteur, beneficiaire=b, motif=motif)
    b.refresh_from_db()
    assert (b.conserver_jusquau, b.conserver_motif) == (None, "")
    assert not Journal.objects.filter(action=cd.ACTION_JOURNAL).exists()


def test_an_anonymised_file_cannot_be_kept(structure, prescripteur):
    b = inactive(structure, -5)
    Beneficiaire.objects.filter(pk=b.pk).update(anonymise_le=FROZEN_AT)
    refused("deja_anonymise", cd.keep_file, acteur=prescripteur, beneficiaire=b, motif="demande")
    b.refresh_from_db()
    assert b.conserver_jusquau is None
    assert not Journal.objects.filter(action=cd.ACTION_JOURNAL).exists()


def test_the_journal_line_holds_the_reason_key_and_the_date_only(structure, prescripteur):
    b = inactive(structure, 10, prenom="Fatima", nom="Benali", notes="Suivi RSA")
    cd.keep_file(acteur=prescripteur, beneficiaire=b, motif=MotifConservation.OBLIGATION)
    line = Journal.objects.get(action="beneficiaire.conservation")
    assert line.acteur == prescripteur
    assert (line.objet_type, line.objet_id) == ("inclusion.beneficiaire", str(b.pk))
    assert line.structure_id == structure.pk
    assert line.details == {"motif": "obligation", "jusquau": "2027-11-17"}


# --- The notice on the person's file ---------------------------------------------------------


def test_the_file_page_notice(structure, prescripteur):
    loin = inactive(structure, 31)
    proche = inactive(structure, 29)
    due = inactive(structure, -2)
    assert cd.notice_for(prescripteur, loin) is None
    notice = cd.notice_for(prescripteur, proche)
    assert notice == cd.Preavis(date=datetime.date(2026, 12, 16), peut_garder=True)
    # Due but not anonymised yet (the night's run): today, never a day gone by.
    assert cd.notice_for(prescripteur, due) == cd.Preavis(
        date=FROZEN_AT.date(), peut_garder=True, aujourdhui=True
    )
    cd.keep_file(acteur=prescripteur, beneficiaire=proche, motif="demande")
    assert cd.notice_for(prescripteur, proche) is None
    proche.anonymise_le = FROZEN_AT
    assert cd.notice_for(prescripteur, proche) is None
    coordinateur = member(Role.COORDINATEUR)
    assert cd.notice_for(coordinateur, due).peut_garder
