"""Activity records and diagnostics in a person's timeline: who sees which record, never the
notes, a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inclusion.enums import Role
from inclusion.models import Membership
from inclusion.services.fusion import merge_beneficiaires
from mediation.chronologie import evenements, evenements_orientations, resume_diagnostic
from mediation.enums_orientations import MotifRefus
from mediation.models import Diagnostic
from mediation.services import activites, orientations
from mediation.services import orientations_decision as decision
from mediation.services.orientations_relances import sweep
from mediation.vocabulaire import OutilDiagnostic, StructureRedirection, Thematique, TypeLieu
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member
from tests.mediation.factories_activites import individuelle, setup_activites
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)

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


# --- Orientations in the timeline ------------------------------------------------------------


def _orientations(user, personne):
    return [e for e in evenements_orientations(user, personne) if e.nature.startswith("orient")]


def test_orientation_lines_sending_decision_and_end():
    ctx = setup_orientations()
    now = timezone.now()
    jours = datetime.timedelta(days=1)
    # Accepted with an appointment, then ended.
    acceptee = orient_to_place(ctx, now=now - 5 * jours)
    rdv = now + 2 * jours
    decision.accept(acces=acces_of(acceptee, ctx.mediateur), rdv_le=rdv, now=now - 4 * jours)
    decision.finish(orientation=acceptee, now=now - jours)
    # Refused by both places of a theme.
    refusee = orient_to_theme(ctx, now=now - 3 * jours)
    for mediateur in ctx.mediateurs:
        decision.decline(
            acces=acces_of(refusee, mediateur),
            motifs=[MotifRefus.SESSION_COMPLETE, MotifRefus.AUTRE],
            message="Elle a dit des choses privées",
            now=now - 2 * jours,
        )
    # Cancelled by the prescripteur.
    annulee = orient_to_place(ctx, lieu=ctx.lieux[1], now=now - 2 * jours)
    orientations.cancel(acteur=ctx.prescripteur, orientation=annulee, motif="Déménage")

    lignes = _orientations(ctx.prescripteur, ctx.personne)
    par_titre = {e.titre: e for e in lignes}
    assert sorted(par_titre) == sorted(
        [
            "Orientation envoyée",
            "Orientation acceptée par Médiathèque 1",
            "Orientation terminée",
            "Orientation refusée",
            "Orientation annulée",
        ]
    )
    assert len([e for e in lignes if e.titre == "Orientation envoyée"]) == 3
    acceptation = par_titre["Orientation acceptée par Médiathèque 1"]
    assert acceptation.quand == now - 4 * jours
    assert acceptation.detail == f"Rendez-vous le {timezone.localtime(rdv):%d/%m/%Y à %H:%M}."
    refus = par_titre["Orientation refusée"]
    assert refus.detail == "Raisons : session complète, autre raison."
    assert "privées" not in " ".join(f"{e.titre} {e.detail}" for e in lignes)
    envoi = min((e for e in lignes if e.titre == "Orientation envoyée"), key=lambda e: e.quand)
    assert envoi.detail == "Vers Médiathèque 1 · E-mail · par CCAS de Bordeaux."
    assert par_titre["Orientation annulée"].quand == now
    # The sending side's links go to the sent orientation's page.
    assert all(str(acceptee.uuid) in e.url for e in lignes if "accept" in e.nature)


def test_expired_orientation_line():
    ctx = setup_orientations()
    orientation = orient_to_place(ctx, now=timezone.now() - datetime.timedelta(days=31))
    sweep(now=timezone.now())
    (fin,) = [e for e in _orientations(ctx.prescripteur, ctx.personne) if e.nature != "orientation"]
    assert fin.nature == "orientation_expiree" and fin.titre == "Orientation expirée"
    assert fin.quand == timezone.now()
    assert fin.url == reverse("orientations:detail", kwargs={"uuid": orientation.uuid})


def test_orientations_scoped_to_the_viewer():
    """Whoever cannot open the file sees nothing; after a merge across structures the kept
    file's structure does not see what another structure sent, its sender still does."""
    ctx = setup_orientations()
    orientation = orient_to_place(ctx)
    assert len(_orientations(ctx.prescripteur, ctx.personne)) == 1
    # The receiving médiateur cannot open the CCAS's file.
    assert evenements_orientations(ctx.mediateur, ctx.personne) == []
    coordinateur = member(Role.COORDINATEUR)
    assert len(_orientations(coordinateur, ctx.personne)) == 1
    # The same person had a file at the first place's structure: the coordinator merges.
    structure_lieu = ctx.lieu.structure
    garde = BeneficiaireFactory(structure=structure_lieu, prenom="Josiane")
    merge_beneficiaires(acteur=coordinateur, garde=garde, supprime=ctx.personne)
    # The receiving médiateur opens the kept file: the orientation received, its own link.
    (ligne,) = _orientations(ctx.mediateur, garde)
    assert ligne.titre == "Orientation envoyée"
    assert ligne.url == reverse("orientations:recue", kwargs={"uuid": orientation.uuid})
    # The second place's médiateur cannot open the kept file.
    assert evenements_orientations(ctx.mediateurs[1], garde) == []
    # A prescripteur of the kept file's structure sees the file but not the CCAS's orientation.
    voisin = member(Role.PRESCRIPTEUR, structure_lieu)
    assert _orientations(voisin, garde) == []


def test_orientations_constant_queries(django_assert_num_queries):
    ctx = setup_orientations()
    orient_to_place(ctx)
    user = ctx.prescripteur
    evenements_orientations(user, ctx.personne)  # roles cached on the user, as in a view
    with django_assert_num_queries(1):
        assert len(evenements_orientations(user, ctx.personne)) == 1
    for n in range(5):
        o = orient_to_session(ctx, session=ctx.sessions[n % 2]) if n < 2 else orient_to_theme(ctx)
        orientations.cancel(acteur=user, orientation=o, motif="Erreur")
    with django_assert_num_queries(1):
        assert len(evenements_orientations(user, ctx.personne)) == 11
