"""Attendance statistics: rates per theme, lieu and quartier, scope, constant query count."""

import datetime

import pytest
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from ateliers.services import stats
from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import (
    BeneficiaireFactory,
    LieuFactory,
    QuartierFactory,
    member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
URL = "/ateliers/statistiques/"


def _session_passee(jours=10, **kwargs):
    debut = timezone.now() - datetime.timedelta(days=jours)
    session = SessionFactory(debut=debut, fin=debut + datetime.timedelta(hours=2), **kwargs)
    Session.objects.filter(pk=session.pk).update(statut=StatutSession.TERMINEE)
    return session


def _inscription(session, statut, quartier=None, sur_place=False):
    quand = session.debut + (
        datetime.timedelta(minutes=10) if sur_place else -datetime.timedelta(days=2)
    )
    return Inscription.objects.create(
        session=session,
        beneficiaire=BeneficiaireFactory(quartier=quartier),
        statut=statut,
        canal=Canal.PRO,
        inscrit_le=quand,
    )


def _jeu(lieu=None, theme=None, quartier=None):
    """One past session: 3 present (one walk-in), 1 absent, 1 excused, 1 cancelled."""
    kwargs = {k: v for k, v in {"lieu": lieu, "theme": theme}.items() if v}
    session = _session_passee(**kwargs)
    for statut in ["present", "present", "absent", "excuse", "annule"]:
        _inscription(session, statut, quartier=quartier)
    _inscription(session, StatutInscription.PRESENT, quartier=quartier, sur_place=True)
    return session


def test_taux_par_theme_lieu_quartier():
    quartier = QuartierFactory(nom="Les Aubiers")
    session = _jeu(quartier=quartier)
    autre = _jeu(lieu=session.lieu)  # no quartier, another theme
    # Ignored: cancelled session, future session, out of period.
    annulee = _jeu(lieu=session.lieu)
    Session.objects.filter(pk=annulee.pk).update(statut=StatutSession.ANNULEE)
    future = SessionFactory(lieu=session.lieu)
    _inscription(future, StatutInscription.INSCRIT)
    vieille = _session_passee(jours=200, lieu=session.lieu)
    _inscription(vieille, StatutInscription.ABSENT)

    du, au = stats.periode_par_defaut()
    result = stats.statistiques(user=member(Role.COORDINATEUR), du=du, au=au)

    t = result.total
    assert (t.sessions, t.presents, t.absents, t.excuses, t.sur_place) == (2, 6, 2, 2, 2)
    assert t.attendus == 8  # walk-ins are not expected
    assert t.taux_presence == 60  # 6 / (6 + 2 + 2)
    assert t.taux_absence == 25  # 2 / 8
    assert [ligne.libelle for ligne in result.par_lieu] == [session.lieu.nom]
    assert {ligne.libelle for ligne in result.par_theme} == {
        session.theme.titre,
        autre.theme.titre,
    }
    quartiers = {ligne.libelle: ligne for ligne in result.par_quartier}
    assert set(quartiers) == {"Les Aubiers", "Quartier non renseigné"}
    assert quartiers["Les Aubiers"].presents == 3
    assert quartiers["Les Aubiers"].detail == quartier.commune.nom


def test_aucune_donnee_pas_de_division_par_zero():
    du, au = stats.periode_par_defaut()
    result = stats.statistiques(user=member(Role.COORDINATEUR), du=du, au=au)
    assert result.total.taux_presence is None and result.total.taux_absence is None


def test_periode_par_defaut_trois_mois():
    assert stats.periode_par_defaut(datetime.date(2026, 2, 15)) == (
        datetime.date(2025, 11, 15),
        datetime.date(2026, 2, 15),
    )
    assert stats.periode_par_defaut(datetime.date(2026, 5, 31))[0] == datetime.date(2026, 2, 28)


def test_anonyme_redirige(client):
    response = client.get(URL)
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.PRESCRIPTEUR, Role.VOLONTAIRE])
def test_autres_roles_refuses(client, role):
    client.force_login(member(role))
    assert client.get(URL).status_code == 403


def test_mediateur_ne_voit_que_ses_lieux(client):
    mien = _jeu()
    autre = _jeu()
    client.force_login(member(Role.MEDIATEUR, structure=mien.lieu.structure))
    response = client.get(URL)
    assert response.status_code == 200
    assert mien.lieu.nom in response.text
    assert autre.lieu.nom not in response.text
    assert "dans les lieux de vos structures" in response.text


def test_coordinateur_voit_tout_et_les_pourcentages(client):
    a, b = _jeu(), _jeu()
    client.force_login(member(Role.COORDINATEUR))
    response = client.get(URL)
    assert response.status_code == 200
    assert a.lieu.nom in response.text and b.lieu.nom in response.text
    assert "60 %" in response.text and "25 %" in response.text
    assert "Par quartier des personnes" in response.text


def test_periode_choisie(client):
    session = _session_passee(jours=200)
    _inscription(session, StatutInscription.PRESENT)
    client.force_login(member(Role.COORDINATEUR))
    assert session.lieu.nom not in client.get(URL).text
    debut = (timezone.localdate() - datetime.timedelta(days=210)).isoformat()
    response = client.get(URL, {"du": debut, "au": timezone.localdate().isoformat()})
    assert session.lieu.nom in response.text


@pytest.mark.parametrize(
    "params, message",
    [
        ({"du": "2026-05-01", "au": "2026-01-01"}, "La date de fin doit être après"),
        ({"du": "2020-01-01", "au": "2026-01-01"}, "ne peut pas dépasser 3 ans"),
        ({"du": "pas une date", "au": "2026-01-01"}, "Saisissez une date, par exemple"),
        ({"du": "2026-01-01"}, "Indiquez le dernier jour"),
    ],
)
def test_mauvaise_periode(client, params, message):
    client.force_login(member(Role.COORDINATEUR))
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in response.text
    assert "Par thème" not in response.text


def test_nombre_de_requetes_constant(client, django_assert_num_queries):
    client.force_login(member(Role.COORDINATEUR))
    client.get(URL)  # warm the session and the roles
    _jeu()

    def compter():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    une = compter()
    for _ in range(5):
        _jeu(
            lieu=LieuFactory(),
            theme=ThemeFactory(),
            quartier=QuartierFactory(),
        )
    assert compter() == une
    du, au = stats.periode_par_defaut()
    coordinateur = member(Role.COORDINATEUR, email="c2@example.org")
    stats.can_view_statistiques(coordinateur)  # roles cached on the user
    with django_assert_num_queries(4):
        stats.statistiques(user=coordinateur, du=du, au=au)
