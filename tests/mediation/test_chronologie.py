"""Activity records and diagnostics in a person's timeline: who sees which record, never the
notes, a constant number of queries."""

import datetime

import pytest
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Membership
from mediation.chronologie import evenements, resume_diagnostic
from mediation.models import Diagnostic
from mediation.services import activites
from mediation.vocabulaire import OutilDiagnostic, StructureRedirection, Thematique, TypeLieu
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member
from tests.mediation.factories_activites import individuelle, setup_activites

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _activites(user, personne):
    return [e for e in evenements(user, personne) if e.nature.startswith("activite")]


def test_record_line_without_notes():
    ctx = setup_activites()
    individuelle(
        ctx,
        notes="Secret de l'accompagnement",
        nom_demarche="Dossier CAF",
        thematiques=[Thematique.EMAIL, Thematique.SANTE],
        duree_minutes=45,
        reoriente=True,
        structure_redirection=StructureRedirection.AIDE_SOCIALE,
        autonomie="partiellement_autonome",
    )
    (ligne,) = _activites(ctx["mediateur"], ctx["personne"])
    assert ligne.titre == "Accompagnement individuel"
    assert ligne.quand == timezone.localdate()
    assert "E-mail, Santé" in ligne.detail and "45 min" in ligne.detail
    assert "réorientée : aide sociale" in ligne.detail
    assert "partiellement autonome" in ligne.detail
    texte = f"{ligne.titre} {ligne.detail}"
    assert "Secret" not in texte and "CAF" not in texte


def test_who_sees_which_record():
    """The author, the médiateurs of the record's structure and coordinators; never a
    médiateur of another structure, even one who sees the person's file; prescripteurs see
    no record."""
    ctx = setup_activites()
    individuelle(ctx, thematiques=[Thematique.EMAIL])
    assert len(_activites(ctx["mediateur"], ctx["personne"])) == 1
    assert len(_activites(ctx["collegue"], ctx["personne"])) == 1
    assert len(_activites(ctx["coordinateur"], ctx["personne"])) == 1
    assert _activites(ctx["prescripteur"], ctx["personne"]) == []
    # Another structure's médiateur: no file, no line at all.
    assert evenements(ctx["autre"], ctx["personne"]) == []


def test_mediateur_of_b_sees_no_record_of_structure_a_on_a_file_of_b():
    ctx = setup_activites()  # ctx["structure"] is A
    autre = ctx["autre"]
    structure_b = autre.memberships.get().structure
    personne_b = BeneficiaireFactory(structure=structure_b)
    # A médiateur of both A and B records, at A's lieu, an accompaniment of B's person.
    double = member(Role.MEDIATEUR, structure=ctx["structure"])
    Membership.objects.create(user=double, structure=structure_b, role=Role.MEDIATEUR)
    activites.record_individuelle(
        acteur=double, beneficiaire=personne_b, lieu=ctx["lieu"], thematiques=[Thematique.EMAIL]
    )
    # And B's médiateur one of their own.
    activites.record_individuelle(
        acteur=autre,
        beneficiaire=personne_b,
        type_lieu=TypeLieu.A_DISTANCE,
        thematiques=[Thematique.SANTE],
    )
    lignes_b = _activites(autre, personne_b)
    assert [ligne.detail.split(" · ")[0] for ligne in lignes_b] == ["Santé"]
    assert len(_activites(double, personne_b)) == 2
    assert len(_activites(ctx["mediateur"], personne_b)) == 0  # cannot open B's file


def test_deleted_records_leave_the_timeline():
    ctx = setup_activites()
    activite = individuelle(ctx)
    activites.delete_activite(acteur=ctx["mediateur"], activite=activite)
    assert _activites(ctx["mediateur"], ctx["personne"]) == []


def test_diagnostics_with_summary():
    ctx = setup_activites()
    Diagnostic.objects.create(
        beneficiaire=ctx["personne"],
        structure=ctx["structure"],
        auteur=ctx["mediateur"],
        date=timezone.localdate() - datetime.timedelta(days=30),
        obstacles=["email"],
        scores={"appareil": 3, "recherche": 1},
    )
    Diagnostic.objects.create(
        beneficiaire=ctx["personne"],
        structure=ctx["structure"],
        auteur=ctx["mediateur"],
        date=timezone.localdate(),
        outil=OutilDiagnostic.PIX,
        resultat_externe="Niveau 2",
    )
    lignes = sorted(
        (e for e in evenements(ctx["prescripteur"], ctx["personne"]) if e.nature == "diagnostic"),
        key=lambda e: e.quand,
    )
    assert [e.titre for e in lignes] == ["Diagnostic numérique", "Diagnostic numérique (Pix)"]
    assert lignes[0].detail.startswith("Niveau ")
    assert "pas d'adresse e-mail" in lignes[0].detail
    assert "sait : utiliser un appareil" in lignes[0].detail
    assert "à travailler : chercher sur internet" in lignes[0].detail
    assert lignes[1].detail.startswith("Résultat : Niveau 2.")
    assert evenements(ctx["autre"], ctx["personne"]) == []


def test_external_summary():
    assert resume_diagnostic(Diagnostic(outil=OutilDiagnostic.ABC_DIAG, resultat_externe="B")) == (
        "Résultat : B."
    )


def test_constant_queries(django_assert_num_queries):
    ctx = setup_activites()
    lieu = ctx["lieu"]
    individuelle(ctx, lieu=lieu)
    Diagnostic.objects.create(
        beneficiaire=ctx["personne"],
        structure=ctx["structure"],
        auteur=ctx["mediateur"],
        date=timezone.localdate(),
    )
    user = ctx["collegue"]
    evenements(user, ctx["personne"])  # roles cached on the user, as in a view
    with django_assert_num_queries(2):
        assert len(evenements(user, ctx["personne"])) == 2
    for i in range(20):
        individuelle(ctx, date=timezone.localdate() - datetime.timedelta(days=i), lieu=lieu)
        Diagnostic.objects.create(
            beneficiaire=ctx["personne"],
            structure=ctx["structure"],
            auteur=ctx["mediateur"],
            date=timezone.localdate(),
        )
    LieuFactory(structure=ctx["structure"])
    with django_assert_num_queries(2):
        assert len(evenements(user, ctx["personne"])) == 42
