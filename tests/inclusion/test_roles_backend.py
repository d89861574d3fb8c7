"""The sign-in backend reads the user and its roles in one query (inclusion.backends,
inclusion.perms.user_with_roles), with SQL written once a process (RequeteCompilee): the
same user, the same roles and the same refusals as Django's model backend."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inclusion import perms
from inclusion.backends import RolesBackend
from inclusion.enums import Role
from inclusion.models import Membership, User
from inclusion.queries import RequeteCompilee
from tests.inclusion.factories import MembershipFactory, StructureFactory, UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_same_user_as_the_orm_reads_with_its_roles_in_one_query():
    structure, autre, fermee = StructureFactory(), StructureFactory(), StructureFactory()
    user = member(Role.PRESCRIPTEUR, structure, first_name="Inès", last_name="Lefèvre")
    MembershipFactory(user=user, structure=autre, role=Role.MEDIATEUR, referent=True)
    MembershipFactory(user=user, structure=structure, role=Role.COORDINATEUR, active=False)
    MembershipFactory(user=user, structure=fermee, role=Role.MEDIATEUR)
    fermee.active = False
    fermee.save(update_fields=["active"])
    User.objects.filter(pk=user.pk).update(
        last_login=datetime.datetime(2026, 11, 16, 8, 30, tzinfo=datetime.UTC),
        desactive_le=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )
    expected = User.objects.get(pk=user.pk)
    perms._load_memberships(expected)

    with CaptureQueriesContext(connection) as queries:
        read = perms.user_with_roles(user.pk)
        roles, referent = perms.roles_of(read), perms.referent_structure_ids(read)
        fields = _fields(read)  # no column left to load later

    assert len(queries) == 1
    assert isinstance(read, User) and read.pk == user.pk
    assert fields == _fields(expected)
    assert isinstance(read.last_login, datetime.datetime) and read.last_login.tzinfo
    assert (
        roles
        == expected._inclusion_roles
        == {
            (structure.pk, Role.PRESCRIPTEUR),
            (autre.pk, Role.MEDIATEUR),
        }
    )
    assert referent == expected._inclusion_referent == {autre.pk}
    # The membership's columns were not left on the user.
    assert not hasattr(read, "role") and not hasattr(read, "referent")
    assert read.check_password("mot-de-passe-test-123")


def test_user_without_active_membership_costs_a_second_query_and_has_no_role():
    user = UserFactory(is_superuser=True)
    MembershipFactory(user=user, role=Role.MEDIATEUR, active=False)
    with CaptureQueriesContext(connection) as queries:
        read = perms.user_with_roles(user.pk)
        assert perms.roles_of(read) == frozenset()
    assert len(queries) == 2
    assert read.pk == user.pk and read.is_superuser
    assert perms.is_coordinateur(read)


def test_unknown_user_is_none():
    assert perms.user_with_roles(987654) is None
    assert RolesBackend().get_user(987654) is None


def test_backend_refuses_an_inactive_account_as_django_does():
    user = member(Role.PRESCRIPTEUR)
    assert RolesBackend().get_user(user.pk).pk == user.pk
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert RolesBackend().get_user(user.pk) is None


def test_a_revoked_role_is_gone_on_the_next_request(client):
    """Nothing is kept between requests: only the SQL's text is."""
    user = member(Role.PRESCRIPTEUR)
    client.force_login(user)
    assert client.get(reverse("pro:beneficiaire_list")).status_code == 200
    Membership.objects.filter(user=user).update(active=False)
    assert client.get(reverse("pro:beneficiaire_list")).status_code == 403


def test_a_signed_in_page_reads_the_user_and_its_roles_in_one_query(client):
    user = member(Role.PRESCRIPTEUR)
    client.force_login(user)
    client.get(reverse("sante"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("sante")).status_code == 200
    tables = [q["sql"] for q in queries if "inclusion_user" in q["sql"]]
    assert len(tables) == 1, tables
    assert "inclusion_membership" in tables[0]


def test_compiled_query_needs_the_value_as_one_parameter():
    # The value written into the SQL by hand (no parameter): refused, never run wrong.
    requete = RequeteCompilee(lambda value: User.objects.extra(where=[f"id = {value}"]))
    with pytest.raises(ValueError):
        requete.sql("default")
    # Twice among the parameters: where would the real one go?
    requete = RequeteCompilee(lambda value: User.objects.filter(pk=value, id__gte=value))
    with pytest.raises(ValueError):
        requete.sql("default")


def test_compiled_query_runs_with_each_value():
    a, b = UserFactory(first_name="Aline"), UserFactory(first_name="Bruno")
    User.objects.filter(pk=a.pk).update(
        last_login=datetime.datetime(2026, 11, 16, 8, 30, tzinfo=datetime.UTC)
    )
    requete = RequeteCompilee(
        lambda value: User.objects.filter(pk=value).values_list("first_name", "last_login")
    )
    # Converted as the ORM converts them: an aware datetime on SQLite as on PostgreSQL.
    assert requete.rows((a.pk,), "default") == [
        ("Aline", datetime.datetime(2026, 11, 16, 8, 30, tzinfo=datetime.UTC))
    ]
    assert requete.rows((b.pk,), "default") == [("Bruno", None)]
    assert requete.rows((987654,), "default") == []


def test_compiled_query_without_parameter_reads_the_rows_of_each_time():
    requete = RequeteCompilee(
        lambda: (
            User.objects.filter(is_active=True).order_by("first_name").values_list("first_name")
        ),
        nombre=0,
    )
    UserFactory(first_name="Aline")
    assert requete.rows((), "default") == [("Aline",)]
    UserFactory(first_name="Bruno")
    UserFactory(first_name="Carla", is_active=False)
    assert requete.rows((), "default") == [("Aline",), ("Bruno",)]


def test_compiled_query_with_several_values_puts_each_in_its_place():
    a, b, c = (UserFactory(first_name=n) for n in ("Aline", "Bruno", "Carla"))
    par_trois = RequeteCompilee(
        lambda *pks: User.objects.filter(pk__in=pks).order_by("pk").values_list("first_name"),
        nombre=3,
    )
    assert par_trois.rows((c.pk, a.pk, 987654), "default") == [("Aline",), ("Carla",)]
    assert par_trois.rows((b.pk, b.pk, b.pk), "default") == [("Bruno",)]
    with pytest.raises(ValueError):
        par_trois.rows((a.pk,), "default")
    # Two values given in the other order than the SQL's (pk >= bas AND pk <= haut).
    entre = RequeteCompilee(
        lambda haut, bas: (
            User.objects.filter(pk__gte=bas, pk__lte=haut).order_by("pk").values_list("first_name")
        ),
        nombre=2,
    )
    assert entre.rows((b.pk, a.pk), "default") == [("Aline",), ("Bruno",)]
    assert entre.rows((c.pk, c.pk), "default") == [("Carla",)]
    assert entre.rows((a.pk, c.pk), "default") == []
