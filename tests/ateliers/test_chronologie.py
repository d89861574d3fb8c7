"""Workshops in a person's timeline: registrations, waiting list, attendance,
cancellations; the session's page linked when the user may open it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers.chronologie import evenements
from ateliers.enums import Canal
from ateliers.services import attendance, registrations
from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _register(ctx, personne, session=None, **kwargs):
    return registrations.register(
        session=session or ctx["session"],
        beneficiaire=personne,
        canal=Canal.PRO,
        acteur=ctx["prescripteur"],
        **kwargs,
    )


def _person(ctx):
    return BeneficiaireFactory(structure=ctx["prescripteur"].memberships.get().structure)


def test_registration_waiting_list_and_promotion():
    ctx = setup_atelier(capacite=1)
    premiere, seconde = _person(ctx), _person(ctx)
    inscription = _register(ctx, premiere)
    _register(ctx, seconde)
    (ligne,) = evenements(ctx["prescripteur"], seconde)
    titre = ctx["session"].theme.titre
    assert (ligne.nature, ligne.titre) == ("attente", f"Liste d'attente « {titre} »")
    # The session is upcoming: the prescripteur of another structure may open it.
    assert ligne.url == reverse("ateliers:session_detail", args=[ctx["session"].pk])
    registrations.cancel_registration(acteur=ctx["prescripteur"], inscription=inscription)
    natures = sorted(e.nature for e in evenements(ctx["prescripteur"], seconde))
    assert natures == ["attente", "inscription"]
    lignes = {e.nature: e for e in evenements(ctx["prescripteur"], premiere)}
    assert lignes["annulation"].titre == f"Inscription annulée « {titre} »"


def test_attendance_lines_and_link_to_past_sessions():
    ctx = setup_atelier()
    personne = _person(ctx)
    debut = timezone.now() - datetime.timedelta(hours=1)
    passee = SessionFactory(lieu=ctx["session"].lieu, debut=debut)
    inscription = _register(ctx, personne, session=passee, now=debut - datetime.timedelta(days=1))
    attendance.set_presence(acteur=ctx["mediateur"], inscription=inscription, statut="absent")
    lignes = {e.nature: e for e in evenements(ctx["prescripteur"], personne)}
    assert lignes["absence"].titre.startswith("Absence à l'atelier")
    assert lignes["absence"].quand == timezone.localtime(debut)
    # A past session of another structure's lieu: the prescripteur cannot open it.
    assert lignes["absence"].url == ""
    assert lignes["inscription"].url == ""
    # A médiateur of the session's structure sees the person only if the file is theirs.
    assert evenements(ctx["mediateur"], personne) == []
    coordinateur = member(Role.COORDINATEUR)
    lignes = {e.nature: e for e in evenements(coordinateur, personne)}
    assert lignes["absence"].url == reverse("ateliers:session_detail", args=[passee.pk])


def test_constant_queries(django_assert_num_queries):
    ctx = setup_atelier(capacite=50)
    personne = _person(ctx)
    user = ctx["prescripteur"]
    _register(ctx, personne)
    evenements(user, personne)  # roles cached on the user, as in a view
    with django_assert_num_queries(1):
        assert len(evenements(user, personne)) == 1
    for i in range(20):
        session = SessionFactory(
            lieu=ctx["session"].lieu, debut=timezone.now() + datetime.timedelta(days=5 + i)
        )
        _register(ctx, personne, session=session)
    with django_assert_num_queries(1):
        assert len(evenements(user, personne)) == 21
