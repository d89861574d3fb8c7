import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from inclusion.enums import Role
from inclusion.models import Journal, JournalImmuableError, Structure
from inclusion.services import territoire
from inclusion.services.beneficiaires import tranche_age_for_year
from inclusion.services.journal import write_journal
from inclusion.services.telephones import mask_phone, parse_phone
from inclusion.validators import validate_opening_hours, validate_pivot
from tests.inclusion.factories import CommuneFactory, LieuFactory, StructureFactory, member

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize("value", ["43493312300029", "434 933 123 00029", "W123456789"])
def test_valid_pivots(value):
    validate_pivot(value)


@pytest.mark.parametrize(
    "value,message",
    [
        ("43493312300028", "clé de contrôle"),
        ("4349331230002", "14 chiffres"),
        ("W12345", "RNA"),
        ("ABCDEFGHIJKLMN", "que des chiffres"),
    ],
)
def test_bad_pivot_has_french_message(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_pivot(value)
    assert message in exc.value.messages[0]


@pytest.mark.parametrize(
    "value",
    ["Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00", "Tu-Fr 10:00-18:00; PH off", "24/7"],
)
def test_valid_opening_hours(value):
    validate_opening_hours(value)


@pytest.mark.parametrize("value", ["Lu-Ve 9h-12h", "Mo 25:00-26:00", "du lundi au vendredi"])
def test_bad_opening_hours_have_french_message(value):
    with pytest.raises(ValidationError) as exc:
        validate_opening_hours(value)
    assert "format OpenStreetMap" in exc.value.messages[0]


@pytest.mark.parametrize(
    "typed,e164,kind",
    [
        ("06 00 00 12 34", "+33600001234", "mobile"),
        ("+33 7 99 99 99 99", "+33799999999", "mobile"),
        ("05.36.49.00.12", "+33536490012", "fixe"),
        ("09 70 00 00 00", "+33970000000", "fixe"),
    ],
)
def test_phone_normalised_to_e164(typed, e164, kind):
    tel = parse_phone(typed)
    assert (tel.e164, tel.type) == (e164, kind)


@pytest.mark.parametrize("typed", ["06 12", "0612345678912", "bonjour"])
def test_bad_phone_has_french_message(typed):
    with pytest.raises(ValidationError) as exc:
        parse_phone(typed)
    assert "n'est pas valide" in exc.value.messages[0]


def test_mask_phone_keeps_two_digits():
    assert mask_phone("+33600001234") == "06 •• •• •• 34"


def test_tranche_age_bands():
    import datetime

    today = datetime.date(2026, 6, 1)
    assert tranche_age_for_year(1950, today) == "soixante_dix_plus"
    assert tranche_age_for_year(1960, today) == "soixante_soixante_neuf"
    assert tranche_age_for_year(2000, today) == "vingt_cinq_trente_neuf"
    assert tranche_age_for_year(2010, today) == "douze_dix_huit"
    assert tranche_age_for_year(None, today) == "non_communique"


@pytest.mark.django_db
def test_lieu_full_clean_rejects_bad_fields():
    lieu = LieuFactory.build(
        structure=StructureFactory(),
        horaires="Lu-Ve 9h-12h",
        code_postal="3300",
        fiche_acces_libre="https://example.org/fiche",
        pivot="12345678901234",
    )
    lieu.commune = lieu.structure.commune
    with pytest.raises(ValidationError) as exc:
        lieu.full_clean()
    errors = exc.value.message_dict
    assert "format OpenStreetMap" in errors["horaires"][0]
    assert "5 chiffres" in errors["code_postal"][0]
    assert "acceslibre" in errors["fiche_acces_libre"][0]
    assert "SIRET" in errors["pivot"][0]


@pytest.mark.django_db
def test_create_structure_with_bad_siret_writes_nothing():
    commune = CommuneFactory()
    with pytest.raises(ValidationError) as exc:
        territoire.create_structure(
            nom="CCAS", pivot="43493312300028", type="ccas", commune=commune
        )
    assert "clé de contrôle" in exc.value.message_dict["pivot"][0]
    assert not Structure.objects.exists()
    assert not Journal.objects.exists()


@pytest.mark.django_db
def test_qualification_is_dated_journalised_and_withdrawable():
    coordinateur = member(Role.COORDINATEUR)
    lieu = LieuFactory()
    lieu = territoire.qualify_lieu(acteur=coordinateur, lieu=lieu)
    assert lieu.qualifie_pass and lieu.qualifie_le and lieu.qualifie_par == coordinateur
    with pytest.raises(ValidationError):
        territoire.qualify_lieu(acteur=coordinateur, lieu=lieu)
    lieu = territoire.withdraw_qualification(acteur=coordinateur, lieu=lieu, motif="fermeture")
    assert not lieu.qualifie_pass and lieu.qualification_retiree_le
    actions = list(Journal.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["lieu.qualification", "lieu.qualification_retiree"]


@pytest.mark.django_db
def test_only_coordinateur_qualifies():
    from django.core.exceptions import PermissionDenied

    lieu = LieuFactory()
    with pytest.raises(PermissionDenied):
        territoire.qualify_lieu(acteur=member(Role.MEDIATEUR, structure=lieu.structure), lieu=lieu)


@pytest.mark.django_db
def test_coordinateur_membership_syncs_group():
    user = member(Role.PRESCRIPTEUR)
    coord = territoire.add_membership(user=user, structure=StructureFactory(), role="coordinateur")
    assert user.groups.filter(name="Coordinateurs").exists()
    assert user.has_perm("wagtailadmin.access_admin")
    territoire.remove_membership(acteur=None, membership=coord)
    user = type(user).objects.get(pk=user.pk)
    assert not user.groups.filter(name="Coordinateurs").exists()


@pytest.mark.django_db
def test_journal_refuses_update_and_delete_in_python():
    line = write_journal(acteur=None, action="test.action")
    line.action = "autre"
    with pytest.raises(JournalImmuableError):
        line.save()
    with pytest.raises(JournalImmuableError):
        line.delete()
    with pytest.raises(JournalImmuableError):
        Journal.objects.filter(pk=line.pk).update(action="autre")
    with pytest.raises(JournalImmuableError):
        Journal.objects.filter(pk=line.pk).delete()
    assert Journal.objects.get(pk=line.pk).action == "test.action"


@pytest.mark.postgresql
@pytest.mark.django_db
def test_journal_trigger_refuses_raw_update_and_delete_on_postgresql():
    line = write_journal(acteur=None, action="test.action")
    table = Journal._meta.db_table
    for sql in (
        f"UPDATE {table} SET action = 'autre' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with pytest.raises(DatabaseError) as exc, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [line.pk])
        assert "ajout seul" in str(exc.value)
    assert Journal.objects.get(pk=line.pk).action == "test.action"


def test_the_retention_purge_is_the_only_way_journal_lines_leave(db):
    """Issue 18: old lines go through Journal.objects.purge_before (on PostgreSQL too, where
    the trigger lets a DELETE pass only inside the purge's transaction); the rest stay
    refused."""
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from inclusion.models import Journal

    now = timezone.now()
    old = Journal.objects.create(action="test.ancien")
    recent = Journal.objects.create(action="test.recent")
    with connection.cursor() as cursor:  # backdate one line (the trigger refuses UPDATE)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE inclusion_journal DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE inclusion_journal SET quand = %s WHERE id = %s",
            [now - datetime.timedelta(days=400), old.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE inclusion_journal ENABLE TRIGGER USER")
    assert Journal.objects.purge_before(now - datetime.timedelta(days=365)) == 1
    assert list(Journal.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Journal.objects.purge_before(now - datetime.timedelta(days=365)) == 0
    if connection.vendor == "postgresql":
        # Outside the purge, the database still refuses.
        with pytest.raises(Exception, match="ajout seul"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM inclusion_journal WHERE id = %s", [recent.pk])
