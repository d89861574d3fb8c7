"""Anonymisation of inactive files and erasure at the person's request (issue 18), with the
clock frozen: the day before the delay nothing moves, the day after the file is anonymised;
"garder encore" holds it; a legal hold refuses an erasure until the statement is paid; no
personal data is left in any table of the four apps; the dashboards' figures do not move."""

import datetime
import json
import unicodedata

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ateliers.enums import Canal
from ateliers.services.registrations import register
from inclusion import conservation, registry
from inclusion.enums import ModeConsentement, Role, TypeTelephone
from inclusion.models import Beneficiaire, Journal, OptOut, SmsMessage, SmsRecu, StatutSms
from inclusion.services import anonymisation
from inclusion.sms import send_sms
from inclusion.sms.optout import refuse_sms
from mediation.models import Activite, Diagnostic, Orientation
from mediation.services.activites import record_individuelle
from mediation.services.diagnostics import record_resultat_externe
from mediation.vocabulaire import OutilDiagnostic, Thematique
from pass_numerique.enums import Prestation
from pass_numerique.models import Encaissement
from pass_numerique.services import issuance, reimbursement
from pass_numerique.services.redemption import redeem_cheque
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, member
from tests.mediation.factories_orientations import orient_to_place, setup_orientations
from tests.pass_numerique.factories import EnveloppeFactory, ProgrammeFactory
from tests.validation import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

PRENOM, NOM = "Zéphirine", "Quillebeuf"
MOBILE = "+33612345678"
COURRIEL = "zephirine.quillebeuf@example.net"


def delai():
    return datetime.timedelta(days=730)


def inactive(structure=None, jours_de_plus=1, **kwargs):
    """A file whose last activity is the delay plus `jours_de_plus` days ago."""
    b = BeneficiaireFactory(consentant=True, courriel="x@example.net", notes="Note", **kwargs)
    if structure is not None:
        b.structure = structure
        b.save()
    Beneficiaire.objects.filter(pk=b.pk).update(
        derniere_activite=FROZEN_AT - delai() - datetime.timedelta(days=jours_de_plus)
    )
    b.refresh_from_db()
    return b


# --- The delay ----------------------------------------------------------------------------


def test_delay_is_registered_with_its_purge():
    d = conservation.delai("dossier_inactif")
    assert d.ordre == 10 and d.nombre_jours == 730
    assert "dossier_inactif" in conservation.purges()


def test_delay_day_before_nothing_day_after_done():
    b = inactive(jours_de_plus=0)
    Beneficiaire.objects.filter(pk=b.pk).update(derniere_activite=FROZEN_AT - delai())
    with time_machine.travel(FROZEN_AT - datetime.timedelta(days=1), tick=False):
        assert anonymisation.anonymise_inactive(timezone.now(), wet_run=True) == {
            anonymisation.CLE_DOSSIERS: 0
        }
    b.refresh_from_db()
    assert b.anonymise_le is None and b.prenom != anonymisation.PRENOM_ANONYME
    lendemain = FROZEN_AT + datetime.timedelta(days=1)
    with time_machine.travel(lendemain, tick=False):
        counts = anonymisation.anonymise_inactive(timezone.now(), wet_run=True)
    assert counts[anonymisation.CLE_DOSSIERS] == 1
    b.refresh_from_db()
    assert b.anonymise_le == lendemain
    assert b.prenom == anonymisation.PRENOM_ANONYME


def test_kept_until_is_respected():
    b = inactive(jours_de_plus=10)
    jusquau = FROZEN_AT.date() + datetime.timedelta(days=30)
    Beneficiaire.objects.filter(pk=b.pk).update(
        conserver_jusquau=jusquau, conserver_motif="demande"
    )
    fin = datetime.datetime.combine(jusquau, datetime.time(12), tzinfo=FROZEN_AT.tzinfo)
    with time_machine.travel(fin, tick=False):
        anonymisation.anonymise_inactive(timezone.now(), wet_run=True)
    b.refresh_from_db()
    assert b.anonymise_le is None
    with time_machine.travel(fin + datetime.timedelta(days=1), tick=False):
        anonymisation.anonymise_inactive(timezone.now(), wet_run=True)
    b.refresh_from_db()
    assert b.anonymise_le is not None


def test_without_wet_run_nothing_is_written():
    b = inactive()
    journal = Journal.objects.count()
    assert anonymisation.anonymise_inactive(FROZEN_AT, wet_run=False) == {
        anonymisation.CLE_DOSSIERS: 1
    }
    b2 = Beneficiaire.objects.get(pk=b.pk)
    assert (b2.prenom, b2.telephone, b2.anonymise_le) == (b.prenom, b.telephone, None)
    assert Journal.objects.count() == journal


def test_command_simulation_then_wet_run(capsys):
    b = inactive()
    call_command("anonymiser_dossiers")
    out = capsys.readouterr().out
    assert out.startswith("Simulation : 1 dossier sans activité depuis 2 ans serait anonymisé.")
    assert Beneficiaire.objects.get(pk=b.pk).anonymise_le is None
    call_command("anonymiser_dossiers", "--wet-run")
    assert "1 dossier sans activité depuis 2 ans anonymisé." in capsys.readouterr().out
    assert Beneficiaire.objects.get(pk=b.pk).anonymise_le == FROZEN_AT


def test_what_is_kept_and_what_goes():
    b = inactive(annee_naissance=1950)
    anonymisation.anonymise_inactive(FROZEN_AT, wet_run=True)
    a = Beneficiaire.objects.get(pk=b.pk)
    assert (a.prenom, a.nom, a.telephone, a.courriel, a.notes) == ("Anonyme", "", "", "", "")
    assert a.type_telephone == TypeTelephone.AUCUN and a.annee_naissance is None
    assert (a.consentement_sms, a.consentement_sms_le, a.consentement_sms_mode) == (
        False,
        None,
        "",
    )
    for champ in ("commune_id", "quartier_id", "tranche_age", "genre", "statut", "structure_id"):
        assert getattr(a, champ) == getattr(b, champ)
    assert a.derniere_activite == b.derniere_activite and a.uuid == b.uuid


def test_idempotent_and_journalised_with_counts_only():
    b = inactive()
    premier = anonymisation.anonymise_inactive(FROZEN_AT, wet_run=True)
    assert premier[anonymisation.CLE_DOSSIERS] == 1
    second = anonymisation.anonymise_inactive(FROZEN_AT, wet_run=True)
    assert second == {anonymisation.CLE_DOSSIERS: 0}
    assert anonymisation.anonymise_files([b.pk], now=FROZEN_AT, raison="inactivite") == {}
    (ligne,) = Journal.objects.filter(action="conservation.anonymisation")
    assert ligne.details["dossiers"] == 1 and ligne.details["raison"] == "inactivite"
    assert all(isinstance(v, int) for k, v in ligne.details.items() if k != "raison")


def test_batches_iterate_by_pk(monkeypatch):
    monkeypatch.setattr(anonymisation, "BATCH", 2)
    people = [inactive() for _ in range(5)]
    counts = anonymisation.anonymise_inactive(FROZEN_AT, wet_run=True)
    assert counts[anonymisation.CLE_DOSSIERS] == 5
    assert Journal.objects.filter(action="conservation.anonymisation").count() == 3
    assert not Beneficiaire.objects.filter(
        pk__in=[p.pk for p in people], anonymise_le__isnull=True
    ).exists()


def test_query_count_constant_in_batch_size():
    def run(n):
        people = [inactive() for _ in range(n)]
        for p in people:
            send_sms(beneficiaire=p, body=f"Bonjour {p.prenom}", kind="test")
        with CaptureQueriesContext(connection) as ctx:
            anonymisation.anonymise_files(
                [p.pk for p in people], now=FROZEN_AT, raison="inactivite"
            )
        return len(ctx.captured_queries)

    assert run(2) == run(20)


# --- SMS and opt-outs ---------------------------------------------------------------------


def test_sms_lose_number_and_text_and_optout_stays():
    b = inactive()
    telephone = b.telephone.as_e164
    sms = send_sms(beneficiaire=b, body="Bonjour", kind="test").message
    reponse = SmsMessage.objects.create(
        telephone=telephone, corps="Réponse", kind="reponse", encodage="gsm", segments=1,
        pas_avant=FROZEN_AT, statut=StatutSms.ENVOYE,
    )  # fmt: skip
    recu = SmsRecu.objects.create(provider_id="SM1", telephone=telephone, corps="STOP merci")
    refuse_sms(telephone=telephone, canal="sms")
    # Someone else still followed shares the number: what they received stays.
    voisin = BeneficiaireFactory(prenom="Voisin", telephone=telephone, type_telephone="mobile")
    autre = SmsMessage.objects.create(
        beneficiaire=voisin, telephone=telephone, corps="Pour le voisin", kind="test",
        encodage="gsm", segments=1, pas_avant=FROZEN_AT,
    )  # fmt: skip
    anonymisation.anonymise_files([b.pk], now=FROZEN_AT, raison="inactivite")
    sms = SmsMessage.objects.get(pk=sms.pk)
    assert (sms.telephone, sms.corps, sms.kind) == ("", "", "test")
    reponse.refresh_from_db()
    # The number is still someone else's: the reply to it is not only this person's.
    assert reponse.telephone == telephone
    recu.refresh_from_db()
    assert recu.telephone == telephone
    autre.refresh_from_db()
    assert autre.corps == "Pour le voisin"
    assert OptOut.objects.filter(telephone=telephone).exists()

    voisin_id = voisin.pk
    anonymisation.anonymise_files([voisin_id], now=FROZEN_AT, raison="inactivite")
    reponse.refresh_from_db()
    recu.refresh_from_db()
    assert (reponse.telephone, reponse.corps, recu.telephone, recu.corps) == ("", "", "", "")
    assert recu.mot_cle == SmsRecu.objects.get(pk=recu.pk).mot_cle
    # The opt-out is the number's will: a new file with it still gets no SMS.
    assert OptOut.objects.filter(telephone=telephone).exists()
    nouveau = BeneficiaireFactory(
        telephone=telephone, type_telephone="mobile", consentement_sms=True,
        consentement_sms_le=FROZEN_AT, consentement_sms_mode=ModeConsentement.ORAL,
    )  # fmt: skip
    assert send_sms(beneficiaire=nouveau, body="Bonjour", kind="test").message is None


def test_waiting_sms_is_cancelled():
    b = inactive()
    result = send_sms(
        beneficiaire=b,
        body="Rappel",
        kind="test",
        not_before=FROZEN_AT + datetime.timedelta(days=1),
    )
    assert result.message.statut == StatutSms.A_ENVOYER
    counts = anonymisation.anonymise_files([b.pk], now=FROZEN_AT, raison="inactivite")
    assert counts["SMS annulés"] == 1
    assert SmsMessage.objects.get(pk=result.message.pk).statut == StatutSms.ANNULE


# --- Erasure ------------------------------------------------------------------------------


def _carnet_cashed(personne, prescripteur, *, quand):
    """A carnet of `personne` issued by `prescripteur`, one chèque cashed at `quand` at a
    qualified place with a typed reference naming the person."""
    programme = ProgrammeFactory(anonyme_autorise=True)
    enveloppe = EnveloppeFactory(programme=programme, structure=personne.structure, nb_cheques=20)
    lieu = LieuFactory(qualifie=True)
    mediateur = member(Role.MEDIATEUR, structure=lieu.structure)
    item = issuance.issue_carnets(
        acteur=prescripteur, enveloppe=enveloppe, beneficiaire=personne, nombre=1
    )[0]
    encaissement = redeem_cheque(
        acteur=mediateur,
        lieu=lieu,
        code=item.cheque_codes[0][1],
        prestation=Prestation.ACCOMPAGNEMENT,
        demande_id=issuance.new_request_id(),
        reference=f"Aide pour {PRENOM} {NOM}",
        now=quand,
    )
    return encaissement


def test_erasure_refused_under_legal_hold_then_done_once_paid():
    personne = BeneficiaireFactory(prenom=PRENOM, nom=NOM, consentant=True)
    prescripteur = member(Role.PRESCRIPTEUR, structure=personne.structure)
    coordinateur = member(Role.COORDINATEUR)
    encaissement = _carnet_cashed(
        personne, prescripteur, quand=FROZEN_AT - datetime.timedelta(days=30)
    )
    journal = Journal.objects.count()
    error = refused(
        "obligation_legale", anonymisation.erase_file, acteur=prescripteur, beneficiaire=personne
    )
    assert "(relevé d'octobre 2026 pas encore établi)" in error.messages[0]
    assert Journal.objects.count() == journal
    personne.refresh_from_db()
    assert personne.prenom == PRENOM and personne.anonymise_le is None

    (resultat,) = reimbursement.build_statements(
        acteur=coordinateur, mois=datetime.date(2026, 10, 1)
    )
    error = refused(
        "obligation_legale", anonymisation.erase_file, acteur=prescripteur, beneficiaire=personne
    )
    assert (
        "Un chèque encaissé le 18 octobre 2026 attend son remboursement (relevé d'octobre "
        "2026 non payé)" in error.messages[0]
    )

    reimbursement.mark_paid(
        acteur=coordinateur, releve=resultat.releve, paye_le=datetime.date(2026, 11, 10)
    )
    counts = anonymisation.erase_file(acteur=prescripteur, beneficiaire=personne)
    assert counts[anonymisation.CLE_DOSSIERS] == 1
    personne.refresh_from_db()
    assert personne.prenom == "Anonyme" and personne.anonymise_le == FROZEN_AT
    # The redemption row stays (amount, date, place); its typed reference is gone.
    encaissement = Encaissement.objects.get(pk=encaissement.pk)
    assert encaissement.reference == "" and encaissement.valeur > 0
    ligne = Journal.objects.get(action="conservation.anonymisation")
    assert ligne.acteur == prescripteur and ligne.details["raison"] == "effacement"
    assert ligne.objet_id == str(personne.pk)
    # Twice: nothing more.
    assert anonymisation.erase_file(acteur=prescripteur, beneficiaire=personne) == {}


def test_erasure_without_hold_and_permissions():
    personne = BeneficiaireFactory(prenom=PRENOM, nom=NOM, consentant=True)
    mediateur = member(Role.MEDIATEUR, structure=personne.structure)
    autre_prescripteur = member(Role.PRESCRIPTEUR)
    for acteur in (mediateur, autre_prescripteur):
        with pytest.raises(PermissionDenied):
            anonymisation.erase_file(acteur=acteur, beneficiaire=personne)
    coordinateur = member(Role.COORDINATEUR)
    anonymisation.erase_file(acteur=coordinateur, beneficiaire=personne)
    personne.refresh_from_db()
    assert personne.anonymise_le == FROZEN_AT


def test_erasure_of_a_file_with_protected_rows_is_no_error():
    """Carnets, registrations, records, diagnostics and orientations are PROTECT foreign keys:
    they stay, linked to the anonymised file."""
    monde = person_with_everything()
    anonymisation.anonymise_files([monde.personne.pk], now=FROZEN_AT, raison="effacement")
    assert monde.personne.carnets.count() == 1
    assert monde.personne.inscriptions.count() == 1
    assert monde.personne.participations.count() == 1
    assert monde.personne.diagnostics.count() == 1
    assert monde.personne.orientations.count() == 1


# --- No personal data left ---------------------------------------------------------------


def person_with_everything():
    """A person with a distinctive name and phone, and one object of each kind."""
    ctx = setup_orientations()
    personne = ctx.personne
    Beneficiaire.objects.filter(pk=personne.pk).update(
        prenom=PRENOM, nom=NOM, telephone=MOBILE, courriel=COURRIEL, annee_naissance=1950,
        notes=f"{PRENOM} {NOM} vient le mardi, son numéro 06 12 34 56 78.",
    )  # fmt: skip
    personne.refresh_from_db()
    ctx.mediateur_ccas = member(Role.MEDIATEUR, structure=ctx.ccas)
    lieu_ccas = LieuFactory(structure=ctx.ccas)
    _carnet_cashed(personne, ctx.prescripteur, quand=FROZEN_AT - datetime.timedelta(days=30))
    register(session=ctx.session, beneficiaire=personne, canal=Canal.PRO, acteur=ctx.prescripteur)
    record_individuelle(
        acteur=ctx.mediateur_ccas,
        beneficiaire=personne,
        lieu=lieu_ccas,
        thematiques=[Thematique.EMAIL],
        notes=f"{PRENOM} {NOM} a ouvert sa boîte ; rappeler au 0612345678.",
        nom_demarche=f"Dossier CAF de {NOM}",
    )
    record_resultat_externe(
        acteur=ctx.mediateur_ccas,
        beneficiaire=personne,
        outil=OutilDiagnostic.PIX,
        date=FROZEN_AT.date(),
        resultat=f"{PRENOM} : niveau 2",
    )
    orient_to_place(ctx, besoin=f"{PRENOM} veut écrire à sa fille")
    send_sms(beneficiaire=personne, body=f"Bonjour {PRENOM} {NOM}", kind="test")
    SmsRecu.objects.create(provider_id="SM-recu", telephone=MOBILE, corps=f"Merci, {PRENOM}")
    ctx.personne = personne
    return ctx


def _fold(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


NEEDLES = [_fold(n) for n in (PRENOM, NOM, "612345678", "06 12 34 56 78", "6 12 34 56 78")]
APPS = ("inclusion", "pass_numerique", "ateliers", "mediation")
TEXT_TYPES = {"CharField", "TextField", "JSONField", "EmailField", "SlugField", "URLField"}
# Kept on purpose: an opt-out is the number's will, with no link to the file
# (inclusion/hooks_anonymisation.py says why).
EXCEPTIONS = {("inclusion.optout", "telephone")}


def _leaks():
    found = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [
                f.attname
                for f in model._meta.concrete_fields
                if f.get_internal_type() in TEXT_TYPES
                and (model._meta.label_lower, f.attname) not in EXCEPTIONS
            ]
            if not fields:
                continue
            for row in model._base_manager.values_list("pk", *fields):
                for name, value in zip(("pk", *fields), row, strict=True):
                    if value is None or name == "pk":
                        continue
                    text = (
                        value
                        if isinstance(value, str)
                        else json.dumps(value, ensure_ascii=False, default=str)
                    )
                    text = _fold(str(text))
                    for needle in NEEDLES:
                        if needle in text:
                            found.append((model._meta.label_lower, name, row[0], needle))
    return found


def test_no_personal_data_left_in_any_table():
    monde = person_with_everything()
    refuse_sms(telephone=MOBILE, canal="sms")
    before = _leaks()
    tables = {t for t, *_ in before}
    # The scan sees the person everywhere first (so it would see a leak).
    for expected in (
        "inclusion.beneficiaire", "inclusion.smsmessage", "inclusion.smsrecu",
        "inclusion.outgoingemail", "mediation.orientation", "mediation.activite",
        "mediation.diagnostic", "pass_numerique.encaissement",
    ):  # fmt: skip
        assert expected in tables, expected
    anonymisation.anonymise_files([monde.personne.pk], now=FROZEN_AT, raison="effacement")
    assert _leaks() == []
    assert OptOut.objects.filter(telephone=MOBILE).exists()


def test_kept_rows_keep_their_counts():
    monde = person_with_everything()
    activite = Activite.objects.get(participants__beneficiaire=monde.personne)
    orientation = Orientation.objects.get(beneficiaire=monde.personne)
    diagnostic = Diagnostic.objects.get(beneficiaire=monde.personne)
    anonymisation.anonymise_files([monde.personne.pk], now=FROZEN_AT, raison="effacement")
    a = Activite.objects.get(pk=activite.pk)
    assert (a.thematiques, a.duree_minutes, a.date) == (
        activite.thematiques, activite.duree_minutes, activite.date,
    )  # fmt: skip
    assert (a.notes, a.nom_demarche) == ("", "")
    o = Orientation.objects.get(pk=orientation.pk)
    assert (o.thematiques, o.statut, o.cree_le) == (
        orientation.thematiques, orientation.statut, orientation.cree_le,
    )  # fmt: skip
    assert o.besoin == ""
    d = Diagnostic.objects.get(pk=diagnostic.pk)
    assert d.outil == OutilDiagnostic.PIX and d.resultat_externe == "anonymisé"


def test_every_anonymizer_is_registered():
    assert set(registry.anonymizers()) >= {
        "inclusion.sms",
        "inclusion.emails",
        "mediation.orientations",
        "mediation.activites",
        "mediation.diagnostics",
        "pass_numerique.encaissements",
    }
    assert "pass_numerique.cheques" in registry.legal_holds()


@pytest.mark.postgresql
def test_redemption_stays_append_only_but_for_the_anonymisation():
    """PostgreSQL's trigger (migration pass_numerique 0005): outside the anonymisation's
    setting nothing changes; inside it, only blanking the reference passes."""
    from django.db import DatabaseError, transaction

    personne = BeneficiaireFactory(prenom=PRENOM, nom=NOM)
    prescripteur = member(Role.PRESCRIPTEUR, structure=personne.structure)
    encaissement = _carnet_cashed(personne, prescripteur, quand=FROZEN_AT)
    rows = Encaissement.objects.filter(pk=encaissement.pk)

    def attempt(setting, **changes):
        with transaction.atomic(), connection.cursor() as cursor:
            if setting:
                cursor.execute("SELECT set_config('pass_numerique.anonymisation', 'on', true)")
            rows.update(**changes)

    for setting, changes in (
        (False, {"reference": ""}),
        (True, {"reference": "autre chose"}),
        (True, {"reference": "", "valeur": 1}),
    ):
        with pytest.raises(DatabaseError):
            attempt(setting, **changes)
    attempt(True, reference="")
    assert rows.get().reference == ""
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.delete()
