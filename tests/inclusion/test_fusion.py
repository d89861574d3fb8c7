"""Merging two files of one person (issue 15): everything moves to the kept file, nothing is
orphaned, counts are unchanged, consents are never widened, conflicts keep one row, the
journal holds ids and counts, and files one may not see are refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services.registrations import register
from inclusion import registry
from inclusion.enums import Genre, ModeConsentement, Role, TypeTelephone
from inclusion.models import Beneficiaire, Journal, PaireDistincte, SmsMessage, StatutSms
from inclusion.services import doublons
from inclusion.services.fusion import handled_relations, merge_beneficiaires
from mediation import perms as mediation_perms
from mediation.chronologie import evenements_orientations
from mediation.enums_orientations import StatutOrientation, TypeOrientation
from mediation.models import Activite, Diagnostic, Orientation, Participant
from mediation.services import orientations
from pass_numerique.models import Carnet
from pass_numerique.services.issuance import issue_carnets
from tests.ateliers.factories import SessionFactory
from tests.inclusion.factories import (
    BeneficiaireFactory,
    CommuneFactory,
    LieuFactory,
    StructureFactory,
    member,
)
from tests.mediation.factories_activites import individuelle
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

YEAR = datetime.timedelta(days=365)
MODELS = (Carnet, Inscription, Participant, Diagnostic, SmsMessage, Orientation)


def reverse_relations():
    """Every (model label, field) pointing to Beneficiaire, hidden ones ("+") included."""
    return {
        (f.related_model._meta.label, f.field.name)
        for f in Beneficiaire._meta.get_fields(include_hidden=True)
        if f.is_relation and f.auto_created and not f.concrete
    }


def sms(b, statut=StatutSms.DELIVRE, **kwargs):
    fields = {
        "beneficiaire": b,
        "telephone": b.telephone.as_e164 if b.telephone else "+33600000000",
        "corps": "Votre atelier demain à 14 h.",
        "kind": "rappel_atelier",
        "encodage": "GSM-7",
        "segments": 1,
        "statut": statut,
        "pas_avant": timezone.now(),
        **kwargs,
    }
    return SmsMessage.objects.create(**fields)


@pytest.fixture
def ctx():
    structure = StructureFactory()
    lieu = LieuFactory(structure=structure, qualifie=True)
    c = {
        "structure": structure,
        "lieu": lieu,
        "mediateur": member(Role.MEDIATEUR, structure=structure),
        "prescripteur": member(Role.PRESCRIPTEUR, structure=structure),
        "enveloppe": EnveloppeFactory(
            programme=ProgrammeFactory(anonyme_autorise=True), structure=structure
        ),
    }
    c["personne"] = c["garde"] = BeneficiaireFactory(
        structure=structure, prenom="Josiane", nom="Durand", consentant=True
    )
    c["supprime"] = BeneficiaireFactory(
        structure=structure,
        prenom="Josianne",
        nom="",
        annee_naissance=1950,
        genre=Genre.FEMININ,
        commune=CommuneFactory(),
        notes="Préfère le matin.",
    )
    return c


def give_everything(ctx, b):
    """One of each thing a file can hold."""
    issue_carnets(acteur=ctx["prescripteur"], enveloppe=ctx["enveloppe"], beneficiaire=b)
    register(
        session=SessionFactory(lieu=ctx["lieu"]),
        beneficiaire=b,
        canal=Canal.PRO,
        acteur=ctx["mediateur"],
    )
    individuelle(ctx, beneficiaire=b)
    Diagnostic.objects.create(
        beneficiaire=b,
        structure=ctx["structure"],
        auteur=ctx["mediateur"],
        date=timezone.localdate(),
    )
    sms(b)
    orient(ctx, b)


def orient(ctx, b):
    return orientations.orient(
        acteur=ctx["prescripteur"],
        beneficiaire=b,
        type=TypeOrientation.LIEU,
        lieu=ctx["lieu"],
        besoin="Créer une adresse e-mail",
    )


def totals():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_every_relation_to_a_file_is_handled_by_a_merger():
    """A new foreign key to Beneficiaire without a merger moving it fails here: declare it in
    the merger's `relations` (or inclusion.services.fusion.RELATIONS) and move its rows."""
    assert reverse_relations() - handled_relations() == set()
    assert handled_relations() - reverse_relations() == set()
    assert set(registry.file_mergers()) >= {"pass_numerique", "ateliers", "mediation"}


def test_records_of_the_removed_file_count_as_modified(ctx):
    activite = individuelle(ctx, beneficiaire=ctx["supprime"])
    Activite.objects.filter(pk=activite.pk).update(modifie_le=timezone.now() - YEAR)
    merge_beneficiaires(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
    assert Activite.objects.get(pk=activite.pk).modifie_le == timezone.now()


def test_merge_moves_everything_and_orphans_nothing(ctx):
    garde, supprime = ctx["garde"], ctx["supprime"]
    give_everything(ctx, garde)
    give_everything(ctx, supprime)
    before = totals()
    kept, counts = merge_beneficiaires(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
    assert totals() == before
    assert not Beneficiaire.objects.filter(pk=supprime.pk).exists()
    for label, field in reverse_relations():
        model = registry_model(label)
        assert not model.objects.filter(**{f"{field}_id": supprime.pk}).exists(), label
    for model in MODELS:
        field = "beneficiaire"
        assert model.objects.filter(**{field: kept}).count() == 2, model.__name__
    assert counts == {
        "sms": 1,
        "carnets": 1,
        "inscriptions": 1,
        "inscriptions_en_double": 0,
        "participations": 1,
        "participations_en_double": 0,
        "diagnostics": 1,
        "orientations": 1,
    }


def registry_model(label):
    from django.apps import apps

    return apps.get_model(label)


def test_blank_fields_filled_from_the_removed_file_never_overwritten(ctx):
    kept, _ = merge_beneficiaires(
        acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"]
    )
    kept.refresh_from_db()
    assert kept.prenom == "Josiane" and kept.nom == "Durand"
    assert kept.annee_naissance == 1950 and kept.genre == Genre.FEMININ
    assert kept.commune_id == ctx["supprime"].commune_id
    assert kept.notes == "Préfère le matin."
    assert kept.telephone == ctx["garde"].telephone


def test_journal_holds_ids_and_counts_only(ctx):
    give_everything(ctx, ctx["supprime"])
    merge_beneficiaires(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
    line = Journal.objects.get(action="beneficiaire.fusion")
    assert line.objet_id == str(ctx["garde"].pk)
    assert line.acteur == ctx["mediateur"]
    assert line.details["supprime"] == ctx["supprime"].pk
    assert line.details["deplaces"]["carnets"] == 1
    assert set(line.details["champs_completes"]) == {
        "annee_naissance",
        "genre",
        "commune",
        "notes",
    }
    text = str(line.details)
    for secret in ("Josian", "Durand", "matin", "+336"):
        assert secret not in text


class TestConsent:
    def test_consent_comes_with_the_number_it_was_given_for(self, ctx):
        garde = BeneficiaireFactory(structure=ctx["structure"], prenom="Luc")
        supprime = BeneficiaireFactory(structure=ctx["structure"], prenom="Luc", consentant=True)
        kept, _ = merge_beneficiaires(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
        kept.refresh_from_db()
        assert kept.telephone == supprime.telephone and kept.consentement_sms
        assert kept.consentement_sms_le == supprime.consentement_sms_le

    def test_a_refusal_on_the_same_number_is_never_turned_into_a_consent(self, ctx):
        numero = {"telephone": "+33612345678", "type_telephone": TypeTelephone.MOBILE}
        garde = BeneficiaireFactory(structure=ctx["structure"], prenom="Luc", **numero)
        supprime = BeneficiaireFactory(
            structure=ctx["structure"],
            prenom="Luc",
            consentement_sms=True,
            consentement_sms_le=timezone.now(),
            consentement_sms_mode=ModeConsentement.ORAL,
            **numero,
        )
        queued = sms(supprime, statut=StatutSms.A_ENVOYER)
        kept, _ = merge_beneficiaires(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
        kept.refresh_from_db()
        assert not kept.consentement_sms and kept.consentement_sms_le is None
        queued.refresh_from_db()
        assert queued.statut == StatutSms.ANNULE and queued.beneficiaire_id == garde.pk

    def test_the_most_recent_consent_is_kept(self, ctx):
        numero = {"telephone": "+33612345678", "type_telephone": TypeTelephone.MOBILE}
        old = timezone.now() - datetime.timedelta(days=300)
        garde = BeneficiaireFactory(
            structure=ctx["structure"],
            prenom="Luc",
            consentement_sms=True,
            consentement_sms_le=old,
            consentement_sms_mode=ModeConsentement.ECRIT,
            **numero,
        )
        supprime = BeneficiaireFactory(
            structure=ctx["structure"],
            prenom="Luc",
            consentement_sms=True,
            consentement_sms_le=timezone.now(),
            consentement_sms_mode=ModeConsentement.ORAL,
            consentement_sms_par=ctx["mediateur"],
            **numero,
        )
        kept, _ = merge_beneficiaires(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
        kept.refresh_from_db()
        assert kept.consentement_sms and kept.consentement_sms_le == timezone.now()
        assert kept.consentement_sms_mode == ModeConsentement.ORAL
        assert kept.consentement_sms_par == ctx["mediateur"]

    def test_queued_texts_to_the_removed_files_other_number_are_not_sent(self, ctx):
        supprime = BeneficiaireFactory(structure=ctx["structure"], prenom="Luc", consentant=True)
        queued = sms(supprime, statut=StatutSms.A_ENVOYER)
        merge_beneficiaires(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=supprime)
        queued.refresh_from_db()
        assert queued.statut == StatutSms.ANNULE and queued.erreur_code == "numero_change"


class TestConflicts:
    def test_same_session_twice_keeps_one_registration_and_frees_the_seat(self, ctx):
        session = SessionFactory(lieu=ctx["lieu"], capacite=2)
        garde, supprime = ctx["garde"], ctx["supprime"]
        a = register(session=session, beneficiaire=garde, canal=Canal.PRO, acteur=ctx["mediateur"])
        b = register(
            session=session, beneficiaire=supprime, canal=Canal.PRO, acteur=ctx["mediateur"]
        )
        waiting = register(
            session=session,
            beneficiaire=BeneficiaireFactory(structure=ctx["structure"]),
            canal=Canal.PRO,
            acteur=ctx["mediateur"],
        )
        assert waiting.statut == StatutInscription.EN_ATTENTE
        _, counts = merge_beneficiaires(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
        assert counts["inscriptions_en_double"] == 1
        live = Inscription.objects.actives().filter(session=session, beneficiaire=garde)
        assert list(live.values_list("pk", flat=True)) == [a.pk]
        b.refresh_from_db()
        assert b.statut == StatutInscription.ANNULE and b.beneficiaire_id == garde.pk
        waiting.refresh_from_db()
        assert waiting.statut == StatutInscription.INSCRIT  # the freed seat went on
        assert Session.objects.get(pk=session.pk).nb_inscrits == 2

    def test_a_seat_beats_a_waiting_place_whichever_file_holds_it(self, ctx):
        session = SessionFactory(lieu=ctx["lieu"], capacite=1)
        garde, supprime = ctx["garde"], ctx["supprime"]
        seat = register(
            session=session, beneficiaire=supprime, canal=Canal.PRO, acteur=ctx["mediateur"]
        )
        waits = register(
            session=session, beneficiaire=garde, canal=Canal.PRO, acteur=ctx["mediateur"]
        )
        merge_beneficiaires(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
        seat.refresh_from_db()
        waits.refresh_from_db()
        assert seat.statut == StatutInscription.INSCRIT and seat.beneficiaire_id == garde.pk
        assert waits.statut == StatutInscription.ANNULE
        assert Session.objects.get(pk=session.pk).nb_inscrits == 1

    def test_one_participant_per_record(self, ctx):
        activite = individuelle(ctx, beneficiaire=ctx["garde"])
        Participant.objects.create(activite=activite, beneficiaire=ctx["supprime"])
        _, counts = merge_beneficiaires(
            acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"]
        )
        assert counts["participations_en_double"] == 1
        assert list(activite.participants.values_list("beneficiaire", flat=True)) == [
            ctx["garde"].pk
        ]


class TestRefusals:
    def code_of(self, **kwargs):
        with pytest.raises(ValidationError) as refused:
            merge_beneficiaires(**kwargs)
        return refused.value.code

    def test_another_structures_file(self, ctx):
        other = BeneficiaireFactory(prenom="Josiane", nom="Durand")
        give_everything(ctx, ctx["garde"])
        before = totals()
        for garde, supprime in ((ctx["garde"], other), (other, ctx["garde"])):
            code = self.code_of(acteur=ctx["mediateur"], garde=garde, supprime=supprime)
            assert code == "hors_perimetre"
        assert Beneficiaire.objects.filter(pk=other.pk).exists()
        assert totals() == before
        assert not Journal.objects.filter(action="beneficiaire.fusion").exists()

    def test_the_same_file(self, ctx):
        g = ctx["garde"]
        assert self.code_of(acteur=ctx["mediateur"], garde=g, supprime=g) == "meme_dossier"

    def test_a_pair_declared_distinct(self, ctx):
        doublons.mark_distinct(acteur=ctx["mediateur"], a=ctx["garde"], b=ctx["supprime"])
        code = self.code_of(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
        assert code == "paire_distincte"

    def test_a_file_already_merged(self, ctx):
        merge_beneficiaires(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
        code = self.code_of(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
        assert code == "dossier_introuvable"

    def test_marking_two_people_after_a_merge(self, ctx):
        merge_beneficiaires(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
        with pytest.raises(ValidationError) as refused:
            doublons.mark_distinct(acteur=ctx["mediateur"], a=ctx["garde"], b=ctx["supprime"])
        assert refused.value.code == "dossier_introuvable"
        assert PaireDistincte.objects.count() == 0

    def test_a_volontaire(self, ctx):
        volontaire = member(Role.VOLONTAIRE, structure=ctx["structure"])
        code = self.code_of(acteur=volontaire, garde=ctx["garde"], supprime=ctx["supprime"])
        assert code == "hors_perimetre"

    def test_the_coordinator_merges_across_structures(self, ctx):
        other = BeneficiaireFactory(prenom="Josiane", nom="Durand")
        kept, _ = merge_beneficiaires(
            acteur=member(Role.COORDINATEUR), garde=ctx["garde"], supprime=other
        )
        assert kept.pk == ctx["garde"].pk
        line = Journal.objects.get(action="beneficiaire.fusion")
        assert line.details["structure_supprime"] == other.structure_id


def test_distinct_pairs_of_the_removed_file_go_with_it(ctx):
    third = BeneficiaireFactory(structure=ctx["structure"])
    doublons.mark_distinct(acteur=ctx["mediateur"], a=ctx["supprime"], b=third)
    merge_beneficiaires(acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"])
    assert PaireDistincte.objects.count() == 0


def test_orientations_move_to_the_kept_file_whatever_their_status(ctx):
    ouverte = orient(ctx, ctx["supprime"])
    annulee = orient(ctx, ctx["supprime"])
    orientations.cancel(acteur=ctx["prescripteur"], orientation=annulee, motif="Erreur")
    _, counts = merge_beneficiaires(
        acteur=ctx["mediateur"], garde=ctx["garde"], supprime=ctx["supprime"]
    )
    assert counts["orientations"] == 2
    assert set(Orientation.objects.filter(beneficiaire=ctx["garde"])) == {ouverte, annulee}
    assert Orientation.objects.get(pk=annulee.pk).statut == StatutOrientation.ANNULEE
    # The kept file's timeline shows them (sending and cancelling).
    lignes = evenements_orientations(ctx["prescripteur"], ctx["garde"])
    assert sorted(e.titre for e in lignes) == [
        "Orientation annulée",
        "Orientation envoyée",
        "Orientation envoyée",
    ]


def test_an_orientation_keeps_its_sender_across_structures(ctx):
    """A coordinator merges a file of another structure into this one: the orientation its
    structure sent moves with the person and stays followed by the structure that sent it."""
    autre = StructureFactory()
    prescripteur_autre = member(Role.PRESCRIPTEUR, structure=autre)
    supprime = BeneficiaireFactory(structure=autre, prenom="Josiane", nom="Durand")
    orientation = orientations.orient(
        acteur=prescripteur_autre,
        beneficiaire=supprime,
        type=TypeOrientation.LIEU,
        lieu=ctx["lieu"],
        besoin="Créer une adresse e-mail",
    )
    merge_beneficiaires(acteur=member(Role.COORDINATEUR), garde=ctx["garde"], supprime=supprime)
    orientation.refresh_from_db()
    assert orientation.beneficiaire_id == ctx["garde"].pk
    assert orientation.structure_id == autre.pk
    assert mediation_perms.can_follow_orientation(prescripteur_autre, orientation)
