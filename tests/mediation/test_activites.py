"""Issue 15: activity records (CRA) with La Coop's keys — services, predicates, scopes."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ateliers.enums import StatutInscription
from ateliers.services import attendance
from inclusion.enums import Genre, Role, Statut, TrancheAge
from inclusion.models import Journal
from mediation import perms
from mediation.models import Activite, Participant
from mediation.services import activites
from mediation.vocabulaire import (
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeActivite,
    TypeLieu,
)
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    MembershipFactory,
    member,
)
from tests.mediation.factories_activites import cheque_encaisse, individuelle, setup_activites
from tests.validation import error_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

NOTE = "Très inquiète pour son dossier CAF"


def codes(exc_info):
    """Every code of a raised ValidationError (field errors or not)."""
    return error_codes(exc_info.value)


@pytest.fixture
def ctx():
    return setup_activites()


def today():
    return timezone.localdate()


# --- Recording an individual accompaniment ---------------------------------------------------


def test_individual_record_with_defaults_copies_the_file(ctx):
    activite = individuelle(ctx)
    assert activite.type == TypeActivite.INDIVIDUEL
    assert activite.date == today()
    assert activite.duree_minutes == 30
    assert activite.type_lieu == TypeLieu.LIEU_ACTIVITE
    assert activite.lieu == ctx["lieu"]
    assert activite.structure == ctx["structure"]
    assert activite.materiel == []
    assert activite.uuid
    [p] = activite.participants.all()
    personne = ctx["personne"]
    assert (p.beneficiaire, p.genre, p.tranche_age, p.statut_social, p.commune) == (
        personne,
        Genre.FEMININ,
        TrancheAge.DE_60_A_69,
        Statut.RETRAITE,
        personne.commune,
    )
    assert activite.participants_anonymes == 0
    # The file changing later does not change the recorded row.
    personne.genre = Genre.MASCULIN
    personne.save()
    p.refresh_from_db()
    assert p.genre == Genre.FEMININ


def test_anonymous_individual_record(ctx):
    commune = CommuneFactory()
    activite = individuelle(
        ctx,
        anonyme={"genre": Genre.MASCULIN, "tranche_age": TrancheAge.PLUS_70, "commune": commune},
        type_lieu=TypeLieu.DOMICILE,
        commune=commune,
        materiel=[Materiel.TELEPHONE, Materiel.TELEPHONE],
        autonomie=Autonomie.PARTIELLEMENT_AUTONOME,
    )
    assert activite.lieu is None and activite.commune == commune
    assert activite.materiel == [Materiel.TELEPHONE]
    [p] = activite.participants.all()
    assert p.beneficiaire is None
    assert (p.genre, p.tranche_age, p.statut_social) == (
        Genre.MASCULIN,
        TrancheAge.PLUS_70,
        Statut.NON_COMMUNIQUE,
    )
    assert activite.participants_anonymes == 1


@pytest.mark.parametrize(
    "champs, code",
    [
        ({"thematiques": ["pas_une_thematique"]}, "valeur_inconnue"),
        ({"materiel": ["minitel"]}, "valeur_inconnue"),
        ({"type_lieu": "sur_la_lune"}, "valeur_inconnue"),
        ({"autonomie": "un_peu"}, "valeur_inconnue"),
        ({"reoriente": True, "structure_redirection": "ailleurs"}, "valeur_inconnue"),
        ({"thematiques": []}, "thematique_requise"),
        ({"lieu": None}, "lieu_requis"),
        ({"reoriente": True}, "redirection_requise"),
        ({"date": "2026-11-17"}, "date_requise"),
        ({"duree_minutes": 0}, "duree_invalide"),
        ({"duree_minutes": 601}, "duree_invalide"),
        ({"duree_minutes": "30"}, "duree_invalide"),
        ({"notes": "x" * 2001}, "texte_trop_long"),
        ({"nom_demarche": "x" * 201}, "texte_trop_long"),
    ],
)
def test_individual_refusals(ctx, champs, code):
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, **champs)
    assert code in codes(exc)
    assert not Activite.objects.exists()


def test_date_bounds(ctx):
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, date=today() + datetime.timedelta(days=1))
    assert codes(exc) == {"date_future"}
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, date=today() - datetime.timedelta(days=366))
    assert codes(exc) == {"date_trop_ancienne"}
    assert individuelle(ctx, date=today() - datetime.timedelta(days=365))
    assert individuelle(ctx, duree_minutes=600)


def test_lieu_of_another_structure_is_refused(ctx):
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, lieu=LieuFactory())
    assert codes(exc) == {"lieu_hors_structure"}


def test_lieu_required_when_the_mediateur_has_two(ctx):
    LieuFactory(structure=ctx["structure"])
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx)
    assert codes(exc) == {"lieu_requis"}
    # At home no lieu is needed (and a lieu given is dropped).
    activite = individuelle(ctx, type_lieu=TypeLieu.A_DISTANCE, lieu=ctx["lieu"])
    assert activite.lieu is None and activite.structure == ctx["structure"]


def test_structure_required_outside_a_lieu_for_two_structures(ctx):
    MembershipFactory(user=ctx["mediateur"], structure=LieuFactory().structure, role=Role.MEDIATEUR)
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, type_lieu=TypeLieu.DOMICILE)
    assert codes(exc) == {"structure_requise"}
    activite = individuelle(ctx, type_lieu=TypeLieu.DOMICILE, structure=ctx["structure"])
    assert activite.structure == ctx["structure"]


def test_person_required_and_visible(ctx):
    with pytest.raises(ValidationError) as exc:
        activites.record_individuelle(acteur=ctx["mediateur"], thematiques=[Thematique.EMAIL])
    assert codes(exc) == {"personne_requise"}
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, beneficiaire=BeneficiaireFactory())
    assert codes(exc) == {"beneficiaire_inaccessible"}


def test_only_mediateurs_and_coordinators_record(ctx):
    assert not perms.can_record_activite(ctx["prescripteur"])
    with pytest.raises(ValidationError) as exc:
        individuelle(ctx, acteur=ctx["prescripteur"])
    assert codes(exc) == {"non_autorise"}
    assert perms.can_record_activite(ctx["mediateur"])
    assert perms.can_record_activite(ctx["coordinateur"])
    activite = individuelle(
        ctx, acteur=ctx["coordinateur"], type_lieu=TypeLieu.A_DISTANCE, anonyme={}
    )
    assert activite.mediateur == ctx["coordinateur"]


def test_database_constraints_back_the_rules(ctx):
    activite = individuelle(ctx)
    for champs in (
        {"duree_minutes": 601},
        {"type_lieu": TypeLieu.LIEU_ACTIVITE, "lieu": None},
        {"reoriente": True, "structure_redirection": ""},
        {"niveau": Niveau.DEBUTANT},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Activite.objects.filter(pk=activite.pk).update(**champs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(activite=activite, beneficiaire=ctx["personne"])


# --- Defaults, "comme la dernière fois" ------------------------------------------------------


def test_defaults_without_history(ctx):
    valeurs = activites.defaults_for(ctx["mediateur"])
    assert valeurs["date"] == today()
    assert valeurs["duree_minutes"] == 30
    assert valeurs["type_lieu"] == TypeLieu.LIEU_ACTIVITE
    assert valeurs["lieu"] == ctx["lieu"]
    assert valeurs["materiel"] == [] and valeurs["thematiques"] == []
    assert valeurs["comme_la_derniere_fois"] is False
    assert "participant" not in valeurs


def test_defaults_like_last_time_and_from_the_file(ctx):
    individuelle(
        ctx,
        anonyme={},
        thematiques=[Thematique.BANQUE_ET_ACHATS_EN_LIGNE, Thematique.ARGENT_IMPOTS],
        materiel=[Materiel.TABLETTE],
        duree_minutes=45,
        notes=NOTE,
    )
    valeurs = activites.defaults_for(ctx["mediateur"])
    assert valeurs["comme_la_derniere_fois"] is True
    assert valeurs["thematiques"] == [
        Thematique.BANQUE_ET_ACHATS_EN_LIGNE,
        Thematique.ARGENT_IMPOTS,
    ]
    assert valeurs["materiel"] == [Materiel.TABLETTE]
    assert valeurs["duree_minutes"] == 45
    assert valeurs["lieu"] == ctx["lieu"]
    assert valeurs["notes"] == ""  # never carried over

    # With this person: their last record first, and what their file knows.
    individuelle(ctx, type_lieu=TypeLieu.DOMICILE, thematiques=[Thematique.SANTE])
    individuelle(ctx, anonyme={}, thematiques=[Thematique.EMAIL])
    personne = ctx["personne"]
    valeurs = activites.defaults_for(ctx["mediateur"], beneficiaire=personne)
    assert valeurs["thematiques"] == [Thematique.SANTE]
    assert valeurs["type_lieu"] == TypeLieu.DOMICILE
    assert valeurs["commune"] == personne.commune
    assert valeurs["participant"]["tranche_age"] == TrancheAge.DE_60_A_69
    # A colleague's records are not "last time" for me.
    assert activites.defaults_for(ctx["collegue"])["comme_la_derniere_fois"] is False


def test_deleted_records_are_not_last_time(ctx):
    activite = individuelle(ctx, duree_minutes=90)
    activites.delete_activite(acteur=ctx["mediateur"], activite=activite)
    assert activites.defaults_for(ctx["mediateur"])["duree_minutes"] == 30


# --- Editing, deleting -----------------------------------------------------------------------


def test_only_the_author_edits(ctx):
    activite = individuelle(ctx)
    for acteur in (ctx["collegue"], ctx["coordinateur"]):
        assert not perms.can_edit_activite(acteur, activite)
        with pytest.raises(ValidationError) as exc:
            activites.update_activite(acteur=acteur, activite=activite, duree_minutes=60)
        assert codes(exc) == {"non_autorise"}
    assert perms.can_edit_activite(ctx["mediateur"], activite)
    activite = activites.update_activite(
        acteur=ctx["mediateur"],
        activite=activite,
        duree_minutes=60,
        notes=NOTE,
        reoriente=True,
        structure_redirection=StructureRedirection.AIDE_SOCIALE,
    )
    activite.refresh_from_db()
    assert activite.duree_minutes == 60 and activite.notes == NOTE
    journal = Journal.objects.filter(action="activite.modification").get()
    assert journal.details["champs"] == [
        "duree_minutes",
        "notes",
        "reoriente",
        "structure_redirection",
    ]


def test_update_checks_fields_and_changes_the_person(ctx):
    activite = individuelle(ctx)
    with pytest.raises(ValidationError) as exc:
        activites.update_activite(acteur=ctx["mediateur"], activite=activite, thematiques=[])
    assert codes(exc) == {"thematique_requise"}
    activites.update_activite(
        acteur=ctx["mediateur"], activite=activite, anonyme={"genre": Genre.MASCULIN}
    )
    [p] = activite.participants.all()
    assert p.beneficiaire is None and p.genre == Genre.MASCULIN
    activite.refresh_from_db()
    assert activite.participants_anonymes == 1


def test_delete_leaves_a_tombstone_idempotent(ctx):
    activite = individuelle(ctx, notes=NOTE, nom_demarche="Demande de RSA", duree_minutes=40)
    cree_le = activite.cree_le
    activites.delete_activite(acteur=ctx["mediateur"], activite=activite)
    activite.refresh_from_db()
    assert activite.supprime_le == timezone.now()
    assert (activite.notes, activite.nom_demarche) == ("", "")
    assert (activite.type, activite.date, activite.mediateur, activite.cree_le) == (
        TypeActivite.INDIVIDUEL,
        today(),
        ctx["mediateur"],
        cree_le,
    )
    [p] = activite.participants.all()
    assert p.beneficiaire is None and p.genre == Genre.FEMININ  # counts kept, link gone
    assert not Activite.objects.vivantes().exists()
    assert not perms.can_view_activite(ctx["mediateur"], activite)
    assert not perms.can_edit_activite(ctx["mediateur"], activite)

    again = activites.delete_activite(acteur=ctx["mediateur"], activite=activite)
    assert again.supprime_le == activite.supprime_le
    assert Journal.objects.filter(action="activite.suppression").count() == 1
    with pytest.raises(ValidationError) as exc:
        activites.update_activite(acteur=ctx["mediateur"], activite=activite, duree_minutes=10)
    assert codes(exc) == {"supprimee"}
    with pytest.raises(ValidationError) as exc:
        activites.delete_activite(acteur=ctx["collegue"], activite=activite)
    assert codes(exc) == {"non_autorise"}
    # The person's file may now be deleted: nothing protects it any more.
    assert not ctx["personne"].participations.exists()


# --- Who sees what ---------------------------------------------------------------------------


def test_notes_are_for_the_author_only(ctx):
    activite = individuelle(ctx, notes=NOTE)
    assert perms.can_see_notes(ctx["mediateur"], activite)
    for other in ("collegue", "coordinateur", "autre", "prescripteur"):
        assert not perms.can_see_notes(ctx[other], activite)
    # The colleague sees the record, not its notes.
    assert perms.can_view_activite(ctx["collegue"], activite)


def test_visible_to_scopes(ctx):
    mienne = individuelle(ctx)
    collegue = individuelle(ctx, acteur=ctx["collegue"])
    ailleurs = individuelle(ctx, acteur=ctx["autre"], anonyme={}, type_lieu=TypeLieu.A_DISTANCE)
    visibles = {
        name: set(Activite.objects.visible_to(ctx[name]))
        for name in ("mediateur", "collegue", "autre", "coordinateur", "prescripteur")
    }
    assert visibles["mediateur"] == {mienne, collegue}
    assert visibles["collegue"] == {mienne, collegue}
    assert visibles["autre"] == {ailleurs}
    assert visibles["coordinateur"] == {mienne, collegue, ailleurs}
    assert visibles["prescripteur"] == set()
    for name, attendues in visibles.items():
        for activite in (mienne, collegue, ailleurs):
            assert perms.can_view_activite(ctx[name], activite) == (activite in attendues)


def test_the_author_keeps_seeing_records_after_leaving_the_structure(ctx):
    mienne = individuelle(ctx)
    ctx["mediateur"].memberships.update(active=False)
    ctx["mediateur"] = type(ctx["mediateur"]).objects.get(pk=ctx["mediateur"].pk)
    assert list(Activite.objects.visible_to(ctx["mediateur"])) == [mienne]


# --- Workshops -------------------------------------------------------------------------------


@pytest.fixture
def atelier(ctx):
    """A finished 90-minute session at ctx's lieu: two people present, one registered who did
    not come."""
    now = timezone.now()
    theme = ThemeFactory(
        thematiques=[Thematique.PRENDRE_EN_MAIN_DU_MATERIEL, Thematique.SECURITE_NUMERIQUE],
        niveau="intermediaire",
    )
    session = SessionFactory(
        theme=theme,
        lieu=ctx["lieu"],
        debut=now - datetime.timedelta(hours=2),
        fin=now - datetime.timedelta(minutes=30),
    )
    presents = [
        BeneficiaireFactory(structure=ctx["structure"], genre=Genre.MASCULIN),
        BeneficiaireFactory(structure=ctx["structure"], tranche_age=TrancheAge.DE_18_A_24),
    ]
    absent = BeneficiaireFactory(structure=ctx["structure"])
    for personne in presents:
        attendance.add_walk_in(acteur=ctx["mediateur"], session=session, beneficiaire=personne)
    from ateliers.models import Inscription

    Inscription.objects.create(
        session=session,
        beneficiaire=absent,
        statut=StatutInscription.INSCRIT,
        canal="pro",
        inscrit_le=now - datetime.timedelta(days=2),
    )
    return {"session": session, "presents": presents, "absent": absent}


def test_collective_record_needs_a_closed_emargement(ctx, atelier):
    with pytest.raises(ValidationError) as exc:
        activites.record_collective_from_session(
            acteur=ctx["mediateur"], session=atelier["session"]
        )
    assert codes(exc) == {"emargement_ouvert"}


def test_collective_record_prefilled_from_the_emargement(ctx, atelier):
    session = atelier["session"]
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    session.refresh_from_db()
    activite = activites.record_collective_from_session(
        acteur=ctx["mediateur"],
        session=session,
        anonymes=[
            (Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, 2),
            (Genre.NON_COMMUNIQUE, TrancheAge.NON_COMMUNIQUE, Statut.NON_COMMUNIQUE, 1),
        ],
        materiel=[Materiel.TABLETTE],
    )
    assert activite.type == TypeActivite.COLLECTIF
    assert activite.session == session
    assert activite.thematiques == [
        Thematique.PRENDRE_EN_MAIN_DU_MATERIEL,
        Thematique.SECURITE_NUMERIQUE,
    ]
    assert activite.niveau == Niveau.INTERMEDIAIRE
    assert activite.duree_minutes == 90
    assert activite.lieu == ctx["lieu"] and activite.date == today()
    assert activite.titre_atelier == session.theme.titre
    assert activite.materiel == [Materiel.TABLETTE]
    named = activite.participants.filter(beneficiaire__isnull=False)
    assert {p.beneficiaire for p in named} == set(atelier["presents"])
    assert named.get(beneficiaire=atelier["presents"][0]).genre == Genre.MASCULIN
    anonymes = activite.participants.filter(beneficiaire__isnull=True)
    assert anonymes.count() == 3 == activite.participants_anonymes
    assert anonymes.filter(genre=Genre.FEMININ, tranche_age=TrancheAge.PLUS_70).count() == 2

    with pytest.raises(ValidationError) as exc:
        activites.record_collective_from_session(acteur=ctx["mediateur"], session=session)
    assert codes(exc) == {"deja_enregistree"}
    assert activites.activite_de_session(session) == activite
    # Deleted, the session may be recorded again.
    activites.delete_activite(acteur=ctx["mediateur"], activite=activite)
    assert activites.record_collective_from_session(acteur=ctx["mediateur"], session=session)


def test_collective_refusals(ctx, atelier):
    session = atelier["session"]
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    session.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        activites.record_collective_from_session(acteur=ctx["autre"], session=session)
    assert codes(exc) == {"non_autorise"}
    with pytest.raises(ValidationError) as exc:
        activites.record_collective_from_session(
            acteur=ctx["mediateur"],
            session=session,
            anonymes=[("inconnu", TrancheAge.PLUS_70, Statut.RETRAITE, 1)],
        )
    assert codes(exc) == {"valeur_inconnue"}
    with pytest.raises(ValidationError) as exc:
        activites.record_collective_from_session(
            acteur=ctx["mediateur"],
            session=session,
            anonymes=[(Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, -1)],
        )
    assert codes(exc) == {"nombre_invalide"}
    assert not Activite.objects.exists()


def test_theme_without_thematiques_falls_back(ctx):
    theme = ThemeFactory(thematiques=[])
    session = SessionFactory(theme=theme, lieu=ctx["lieu"])
    assert activites.defaults_for_session(session)["thematiques"] == [Thematique.CULTURE_NUMERIQUE]


def test_session_defaults_take_the_themes_keys_as_they_are(ctx):
    # The catalogue stores La Coop's keys (administrative families too); a value the
    # vocabulary no longer has is left out, and a theme left with none falls back.
    theme = ThemeFactory(thematiques=[Thematique.ARGENT_IMPOTS, "plus_une_thematique"])
    session = SessionFactory(theme=theme, lieu=ctx["lieu"])
    assert activites.defaults_for_session(session)["thematiques"] == [Thematique.ARGENT_IMPOTS]
    theme.thematiques = ["plus_une_thematique"]
    theme.save()
    session.refresh_from_db()
    assert activites.defaults_for_session(session)["thematiques"] == [Thematique.CULTURE_NUMERIQUE]


def test_update_replaces_anonymous_participants_of_a_workshop(ctx, atelier):
    session = atelier["session"]
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    session.refresh_from_db()
    activite = activites.record_collective_from_session(
        acteur=ctx["mediateur"],
        session=session,
        anonymes=[(Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, 2)],
    )
    activites.update_activite(
        acteur=ctx["mediateur"],
        activite=activite,
        anonymes=[(Genre.MASCULIN, TrancheAge.DE_25_A_39, Statut.EN_EMPLOI, 4)],
    )
    activite.refresh_from_db()
    assert activite.participants_anonymes == 4
    assert activite.participants.count() == 6


# --- Lists and counts ------------------------------------------------------------------------


def _records(ctx, n):
    for i in range(n):
        if i % 2:
            individuelle(ctx, anonyme={}, duree_minutes=20)
        else:
            individuelle(
                ctx,
                beneficiaire=BeneficiaireFactory(structure=ctx["structure"]),
                duree_minutes=40,
            )


def _read_list(user):
    rows = []
    for a in Activite.objects.vivantes().visible_to(user).for_list():
        noms = [p.beneficiaire.prenom for p in a.participants.all() if p.beneficiaire]
        lieu = a.lieu.commune.nom if a.lieu else ""
        atelier = a.session.theme.titre if a.session else ""
        rows.append((a.mediateur.email, a.structure.nom, lieu, atelier, a.nb_participants, noms))
    return rows


def _finished_workshop(ctx):
    """A closed session at ctx's lieu, recorded with two anonymous participants."""
    from ateliers.enums import StatutSession
    from ateliers.models import Session

    now = timezone.now()
    session = SessionFactory(
        lieu=ctx["lieu"],
        debut=now - datetime.timedelta(hours=3),
        fin=now - datetime.timedelta(hours=1),
    )
    Session.objects.filter(pk=session.pk).update(statut=StatutSession.TERMINEE)
    session.refresh_from_db()
    return activites.record_collective_from_session(
        acteur=ctx["mediateur"],
        session=session,
        anonymes=[(Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, 2)],
    )


@pytest.mark.parametrize("n", [2, 20])
def test_for_list_costs_constant_queries(ctx, django_assert_max_num_queries, n):
    _records(ctx, n - 1)
    _finished_workshop(ctx)
    ctx["mediateur"] = type(ctx["mediateur"]).objects.get(pk=ctx["mediateur"].pk)
    with django_assert_max_num_queries(3):  # roles, records, participants
        rows = _read_list(ctx["mediateur"])
    assert len(rows) == n
    assert sorted(row[4] for row in rows) == [1] * (n - 1) + [2]
    assert sum(1 for row in rows if row[3]) == 1


def test_counts_in_one_query(ctx, atelier, django_assert_num_queries):
    _records(ctx, 4)  # 2 named, 2 anonymous: 2 × 40 + 2 × 20 minutes
    session = atelier["session"]
    attendance.close_session(acteur=ctx["mediateur"], session=session)
    session.refresh_from_db()
    activites.record_collective_from_session(
        acteur=ctx["mediateur"],
        session=session,
        anonymes=[(Genre.FEMININ, TrancheAge.PLUS_70, Statut.RETRAITE, 3)],
    )
    supprimee = individuelle(ctx, anonyme={})
    activites.delete_activite(acteur=ctx["mediateur"], activite=supprimee)
    qs = Activite.objects.vivantes().filter(mediateur=ctx["mediateur"]).for_list()
    with django_assert_num_queries(1):
        totaux = activites.counts(qs)
    assert totaux == {
        "activites": 5,
        "individuels": 4,
        "collectifs": 1,
        "participants": 4 + 2 + 3,
        "duree_minutes": 2 * 40 + 2 * 20 + 90,
    }
    assert activites.counts(Activite.objects.none()) == {
        "activites": 0,
        "individuels": 0,
        "collectifs": 0,
        "participants": 0,
        "duree_minutes": 0,
    }


# --- Journal ---------------------------------------------------------------------------------


def test_journal_holds_ids_never_notes_or_names(ctx):
    activite = individuelle(ctx, notes=NOTE, nom_demarche="Demande de RSA")
    activites.update_activite(acteur=ctx["mediateur"], activite=activite, notes=NOTE + " !")
    activites.delete_activite(acteur=ctx["mediateur"], activite=activite)
    lignes = Journal.objects.filter(action__startswith="activite.").order_by("pk")
    assert [j.action for j in lignes] == [
        "activite.creation",
        "activite.modification",
        "activite.suppression",
    ]
    for j in lignes:
        assert j.objet_id == str(activite.pk)
        assert j.structure == ctx["structure"]
        texte = json.dumps(j.details, ensure_ascii=False)
        for secret in (NOTE, "RSA", ctx["personne"].prenom, ctx["personne"].nom):
            assert secret not in texte


# --- A chèque and a record of the same service -----------------------------------------------


@pytest.fixture
def cheque(ctx):
    return cheque_encaisse()


def _record_at(cheque, **champs):
    champs.setdefault("beneficiaire", cheque["personne"])
    champs.setdefault("lieu", cheque["lieu"])
    return activites.record_individuelle(
        acteur=cheque["mediateur"], thematiques=[Thematique.EMAIL], **champs
    )


def test_link_encaissement_same_service(cheque):
    activite = _record_at(cheque)
    activites.link_encaissement(
        acteur=cheque["mediateur"], activite=activite, encaissement=cheque["encaissement"]
    )
    activite.refresh_from_db()
    assert activite.encaissement == cheque["encaissement"]
    assert cheque["encaissement"].activite == activite
    # Again: nothing changes.
    activites.link_encaissement(
        acteur=cheque["mediateur"], activite=activite, encaissement=cheque["encaissement"]
    )
    # Another record cannot take it.
    autre = _record_at(cheque)
    with pytest.raises(ValidationError) as exc:
        activites.link_encaissement(
            acteur=cheque["mediateur"], activite=autre, encaissement=cheque["encaissement"]
        )
    assert codes(exc) == {"deja_liee"}
    # Deleting the record frees the chèque.
    activites.delete_activite(acteur=cheque["mediateur"], activite=activite)
    activites.link_encaissement(
        acteur=cheque["mediateur"], activite=autre, encaissement=cheque["encaissement"]
    )


def test_link_encaissement_refusals(cheque):
    encaissement = cheque["encaissement"]
    cas = [
        (
            _record_at(
                cheque,
                beneficiaire=BeneficiaireFactory(structure=cheque["enveloppe"].structure),
            ),
            "personne_differente",
        ),
        (_record_at(cheque, date=today() - datetime.timedelta(days=1)), "jour_different"),
        (
            _record_at(
                cheque, type_lieu=TypeLieu.DOMICILE, lieu=None, structure=cheque["lieu"].structure
            ),
            "lieu_different",
        ),
    ]
    for activite, code in cas:
        with pytest.raises(ValidationError) as exc:
            activites.link_encaissement(
                acteur=cheque["mediateur"], activite=activite, encaissement=encaissement
            )
        assert codes(exc) == {code}
    with pytest.raises(ValidationError) as exc:
        activites.link_encaissement(
            acteur=member(Role.MEDIATEUR, structure=cheque["lieu"].structure),
            activite=cas[0][0],
            encaissement=encaissement,
        )
    assert codes(exc) == {"non_autorise"}
    # An anonymous record cannot contradict the named carnet.
    anonyme = _record_at(cheque, beneficiaire=None, anonyme={})
    activites.link_encaissement(
        acteur=cheque["mediateur"], activite=anonyme, encaissement=encaissement
    )
