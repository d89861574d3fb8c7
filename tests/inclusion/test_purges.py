"""Retention purges (issue 18): each declared delay, the day before nothing, the day after
done, twice the same as once, a dry run that changes nothing and counts right; the command
`purger_donnees` and its single journal line; the periodic sweep, about once an hour."""

import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from inclusion import conservation
from inclusion.models import (
    ExportFichier,
    Invitation,
    Journal,
    OutgoingEmail,
    SmsMessage,
    SmsRecu,
    StatutEmail,
    StatutExport,
)
from inclusion.services import purges
from inclusion.services.journal import write_journal
from mediation.enums_orientations import StatutOrientation
from mediation.models import Destinataire, Orientation
from tests.clock import FROZEN_AT
from tests.inclusion.factories import UserFactory
from tests.mediation.factories_orientations import orient_to_place, setup_orientations

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

JOUR = datetime.timedelta(days=1)
HEURE = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def jours(cle):
    return datetime.timedelta(days=conservation.delai(cle).nombre_jours)


def _sms(corps="Votre atelier demain à 14 h"):
    return SmsMessage.objects.create(
        telephone="+33600000001",
        corps=corps,
        kind="t",
        encodage="GSM-7",
        segments=1,
        pas_avant=timezone.now(),
        statut="delivre",
    )


def _sms_recu(n=1):
    return SmsRecu.objects.create(provider_id=f"SM{n}", telephone="+33600000001", corps="STOP")


def _email(statut=StatutEmail.ENVOYE):
    return OutgoingEmail.objects.create(
        destinataire="agent@example.org",
        sujet="Invitation",
        texte="Bonjour",
        html="<p>Bonjour</p>",
        kind="invitation",
        statut=statut,
        pas_avant=timezone.now(),
    )


def _invitation(**champs):
    now = timezone.now()
    values = {
        "email": f"agent{Invitation.objects.count()}@example.org",
        "prenom": "Léa",
        "nom": "Bernard",
        "invite_par": UserFactory(),
        "cree_le": now,
        "envoyee_le": now,
        "expire_le": now + datetime.timedelta(days=7),
        "secret_hash": "x" * 64,
        **champs,
    }
    return Invitation.objects.create(**values)


# --- One world per delay: made at FROZEN_AT; `fait` says whether the purge went through ----


def monde_sms_texte():
    envoye, recu = _sms(), _sms_recu()
    return SimpleNamespace(
        n=2,
        fait=lambda: (
            SmsMessage.objects.get(pk=envoye.pk).corps == ""
            and SmsRecu.objects.get(pk=recu.pk).corps == ""
        ),
    )


def monde_sms_lignes():
    envoye, recu = _sms(), _sms_recu()
    return SimpleNamespace(
        n=2,
        fait=lambda: (
            not SmsMessage.objects.filter(pk=envoye.pk).exists()
            and not SmsRecu.objects.filter(pk=recu.pk).exists()
        ),
    )


def monde_courriels():
    envoye = _email()
    return SimpleNamespace(
        n=1, fait=lambda: not OutgoingEmail.objects.filter(pk=envoye.pk).exists()
    )


def monde_invitations():
    now = timezone.now()
    acceptee = _invitation(acceptee_le=now, compte=UserFactory())
    annulee = _invitation(annulee_le=now)
    # Expired at FROZEN_AT: its end is its expiry.
    expiree = _invitation(cree_le=now - 7 * JOUR, envoyee_le=now - 7 * JOUR, expire_le=now)
    pks = [acceptee.pk, annulee.pk, expiree.pk]
    return SimpleNamespace(n=3, fait=lambda: not Invitation.objects.filter(pk__in=pks).exists())


def monde_exports():
    now = timezone.now()
    export = ExportFichier.objects.create(
        demandeur=UserFactory(),
        nature="essai",
        format="csv",
        statut=StatutExport.ECHEC,  # never ready: it goes 24 hours after it was asked for
        cree_le=now,
    )
    return SimpleNamespace(
        n=1, fait=lambda: not ExportFichier.objects.filter(pk=export.pk).exists()
    )


def monde_sessions():
    store = SessionStore()
    store["kiosque"] = {"lieu": 1, "parcours": {"session": 2}}
    store.create()
    return SimpleNamespace(
        n=1, fait=lambda: not Session.objects.filter(session_key=store.session_key).exists()
    )


def monde_journal():
    line = write_journal(acteur=None, action="essai.lecture", details={"beneficiaire": 1})
    return SimpleNamespace(n=1, fait=lambda: not Journal.objects.filter(pk=line.pk).exists())


def _close(orientation, **champs):
    Orientation.objects.filter(pk=orientation.pk).update(
        rdv_lieu="Salle 2",
        a_apporter="Une pièce d'identité",
        message="Rendez-vous pris",
        **champs,
    )
    Destinataire.objects.filter(orientation=orientation).update(
        message="À bientôt", lien_envoye_a="lieu1@example.org"
    )


def monde_orientation_texte():
    ctx = setup_orientations()
    now = timezone.now()
    fermees = []
    for statut, champ in (
        (StatutOrientation.TERMINEE, "termine_le"),
        (StatutOrientation.REFUSEE, "decide_le"),
        (StatutOrientation.EXPIREE, "expire_le"),
        (StatutOrientation.ANNULEE, "annule_le"),
    ):
        orientation = orient_to_place(ctx)
        _close(orientation, statut=statut, **{champ: now})
        fermees.append(orientation.pk)

    def fait():
        for orientation in Orientation.objects.filter(pk__in=fermees):
            assert orientation.thematiques and orientation.cree_le  # kept for the figures
            if orientation.besoin or orientation.message or orientation.rdv_lieu:
                return False
        return not Destinataire.objects.filter(orientation_id__in=fermees, message__gt="").exists()

    return SimpleNamespace(n=4, fait=fait)


# (key, world, the instant after which the data is due, counted from FROZEN_AT)
CAS = {
    "sms_texte": (monde_sms_texte, lambda: jours("sms_texte")),
    "sms_lignes": (monde_sms_lignes, lambda: jours("sms_lignes")),
    "courriels": (monde_courriels, lambda: jours("courriels")),
    "invitations": (monde_invitations, lambda: jours("invitations")),
    "exports": (monde_exports, lambda: 24 * HEURE),
    "sessions": (monde_sessions, lambda: conservation.delai("sessions").duree),
    "journal": (monde_journal, lambda: jours("journal")),
    "orientation_texte": (monde_orientation_texte, lambda: jours("orientation_texte")),
}


def test_every_purge_has_a_case():
    # The inactive files' anonymisation is tested with it (test_anonymisation*.py).
    assert set(conservation.purges()) - {"dossier_inactif"} == set(CAS)


def _total(counts):
    return sum(counts.values())


@pytest.mark.parametrize("cle", CAS)
def test_each_delay_the_day_before_then_the_day_after(cle):
    make, delai = CAS[cle]
    world = make()
    purge = conservation.purges()[cle]
    # Delays under a day (exports, sessions) are checked an hour either side.
    marge = HEURE if delai() < 2 * JOUR else JOUR
    veille = FROZEN_AT + delai() - marge
    with time_machine.travel(veille, tick=False):
        assert _total(purge(timezone.now(), False)) == 0
        assert _total(purge(timezone.now(), True)) == 0
    assert not world.fait()
    with time_machine.travel(FROZEN_AT + delai() + marge, tick=False):
        now = timezone.now()
        simulation = purge(now, False)
        assert _total(simulation) == world.n
        assert not world.fait(), "a dry run changes nothing"
        assert purge(now, True) == simulation, "the dry run counts what the wet run does"
        assert world.fait()
        assert _total(purge(now, True)) == 0, "idempotent"
        assert _total(purge(now, False)) == 0


def test_sms_texts_blanked_rows_kept_until_their_own_delay():
    envoye = _sms()
    with time_machine.travel(FROZEN_AT + jours("sms_texte") + JOUR, tick=False):
        purges.purge_sms_textes(timezone.now(), True)
    envoye.refresh_from_db()
    assert envoye.corps == "" and envoye.a_masquer == []
    assert envoye.telephone and envoye.statut == "delivre"


def test_an_email_waiting_to_be_sent_is_left_to_the_outbox():
    attente = _email(statut=StatutEmail.A_ENVOYER)
    with time_machine.travel(FROZEN_AT + jours("courriels") + JOUR, tick=False):
        assert purges.purge_courriels(timezone.now(), True) == {"e-mails supprimés": 0}
    assert OutgoingEmail.objects.filter(pk=attente.pk).exists()


def test_a_pending_invitation_is_kept():
    ouverte = _invitation(expire_le=FROZEN_AT + 400 * JOUR)
    with time_machine.travel(FROZEN_AT + jours("invitations") + JOUR, tick=False):
        assert purges.purge_invitations(timezone.now(), True) == {"invitations supprimées": 0}
    assert Invitation.objects.filter(pk=ouverte.pk).exists()


def test_an_orientation_not_closed_keeps_its_text():
    ctx = setup_orientations()
    ouverte = orient_to_place(ctx)
    acceptee = orient_to_place(ctx, lieu=ctx.lieux[1])
    _close(acceptee, statut=StatutOrientation.ACCEPTEE, decide_le=FROZEN_AT)
    with time_machine.travel(FROZEN_AT + 3 * jours("orientation_texte"), tick=False):
        counts = conservation.purges()["orientation_texte"](timezone.now(), True)
    assert counts == {"orientations dont le texte est effacé": 0}
    assert Orientation.objects.get(pk=ouverte.pk).besoin == "Créer une adresse e-mail"
    acceptee = Orientation.objects.get(pk=acceptee.pk)
    assert acceptee.rdv_lieu == "Salle 2" and acceptee.besoin
    assert Destinataire.objects.get(orientation=acceptee).lien_envoye_a == "lieu1@example.org"


def test_an_orientation_closed_recently_keeps_its_text_and_its_modification_date():
    ctx = setup_orientations()
    terminee = orient_to_place(ctx)
    _close(terminee, statut=StatutOrientation.TERMINEE, termine_le=FROZEN_AT + 200 * JOUR)
    modifie_le = Orientation.objects.get(pk=terminee.pk).modifie_le
    with time_machine.travel(FROZEN_AT + jours("orientation_texte") + JOUR, tick=False):
        conservation.purges()["orientation_texte"](timezone.now(), True)
    assert Orientation.objects.get(pk=terminee.pk).besoin
    with time_machine.travel(FROZEN_AT + 200 * JOUR + jours("orientation_texte") + JOUR):
        conservation.purges()["orientation_texte"](timezone.now(), True)
    terminee = Orientation.objects.get(pk=terminee.pk)
    assert terminee.besoin == "" and terminee.a_apporter == "" and terminee.message == ""
    assert terminee.statut == StatutOrientation.TERMINEE
    assert terminee.termine_le == FROZEN_AT + 200 * JOUR
    assert terminee.modifie_le == modifie_le


def test_the_delays_follow_the_settings():
    _sms()
    reglages = {**conservation.settings.INCLUSION_CONSERVATION, "sms_texte": 10}
    with override_settings(INCLUSION_CONSERVATION=reglages):
        with time_machine.travel(FROZEN_AT + 11 * JOUR, tick=False):
            assert purges.purge_sms_textes(timezone.now(), False)["textes effacés"] == 1
    with time_machine.travel(FROZEN_AT + 11 * JOUR, tick=False):
        assert purges.purge_sms_textes(timezone.now(), False)["textes effacés"] == 0


def test_batches_walk_every_row_once():
    lignes = [_sms() for _ in range(5)]
    vus = []

    def action(qs):
        vus.extend(qs.values_list("pk", flat=True))
        return qs.count()  # changes nothing: the walk still ends

    total = purges.par_lots(SmsMessage.objects.all(), action, wet_run=True, lot=2)
    assert total == 5 and sorted(vus) == sorted(m.pk for m in lignes)


def test_declared_delays_speak_plain_french():
    cles = {d.cle for d in conservation.delais()}
    assert {
        "sms_texte",
        "sms_lignes",
        "courriels",
        "invitations",
        "exports",
        "sessions",
        "inscriptions_publiques",
        "parcours_kiosque",
        "journal",
        "orientation_texte",
    } <= cles
    for d in conservation.delais():
        assert d.donnees and d.apres and d.ensuite and d.finalite, d.cle
        assert d.duree > datetime.timedelta(0)
    assert conservation.delai("exports").duree_en_mots == "24 heures"
    assert conservation.delai("sessions").duree_en_mots == "10 heures"
    assert conservation.delai("parcours_kiosque").duree_en_mots == "4 heures"
    assert conservation.delai("journal").duree_en_mots == "1 an"
    # Kept in the session: its purge is the sessions'.
    assert "inscriptions_publiques" not in conservation.purges()
    assert "parcours_kiosque" not in conservation.purges()


# --- The command ------------------------------------------------------------------------


def _command(*args):
    out = io.StringIO()
    call_command("purger_donnees", *args, stdout=out)
    return out.getvalue().splitlines()


def test_command_dry_run_counts_and_writes_nothing():
    _sms()
    with time_machine.travel(FROZEN_AT + jours("sms_texte") + JOUR, tick=False):
        lines = _command()
        assert Journal.objects.count() == 0
    assert all(line.startswith("Simulation : ") for line in lines)
    assert "Simulation : sms_texte — textes effacés : 1, textes reçus effacés : 0." in lines
    assert "Simulation : journal — lignes du journal supprimées : 0." in lines
    assert len(lines) == len(conservation.purges())
    assert SmsMessage.objects.get().corps


def test_command_wet_run_writes_one_journal_line_of_counts():
    _sms()
    write_journal(acteur=None, action="essai.lecture", details={"beneficiaire": 1})
    with time_machine.travel(FROZEN_AT + jours("journal") + JOUR, tick=False):
        lines = _command("--wet-run")
    assert "sms_texte — textes effacés : 1, textes reçus effacés : 0." in lines
    assert "journal — lignes du journal supprimées : 1." in lines
    line = Journal.objects.get()
    assert line.action == "conservation.purge" and line.acteur is None
    assert line.details["sms_texte"] == {"textes effacés": 1, "textes reçus effacés": 0}
    assert line.details["journal"] == {"lignes du journal supprimées": 1}
    assert set(line.details) == set(conservation.purges())
    # Counts only, never text typed by anyone.
    assert all(isinstance(n, int) for counts in line.details.values() for n in counts.values())


def test_command_only_the_named_delays():
    _sms()
    write_journal(acteur=None, action="essai.lecture")
    with time_machine.travel(FROZEN_AT + jours("journal") + JOUR, tick=False):
        lines = _command("--wet-run", "--seulement", "sms_texte", "courriels")
    assert lines == [
        "sms_texte — textes effacés : 1, textes reçus effacés : 0.",
        "courriels — e-mails supprimés : 0.",
    ]
    assert Journal.objects.filter(action="essai.lecture").exists()
    assert set(Journal.objects.get(action="conservation.purge").details) == {
        "sms_texte",
        "courriels",
    }


def test_command_refuses_an_unknown_delay_in_french():
    with pytest.raises(CommandError, match="Délai inconnu : sms. Délais avec une purge : "):
        _command("--wet-run", "--seulement", "sms")
    assert Journal.objects.count() == 0


def test_purge_sms_command_is_kept_and_journalised():
    _sms()
    out = io.StringIO()
    with time_machine.travel(FROZEN_AT + jours("sms_texte") + JOUR, tick=False):
        call_command("purge_sms", "--wet-run", stdout=out)
    assert out.getvalue().strip() == (
        "SMS supprimés : 0, SMS reçus supprimés : 0, textes effacés : 1, textes reçus effacés : 0."
    )
    assert set(Journal.objects.get(action="conservation.purge").details) == {
        "sms_texte",
        "sms_lignes",
    }


# --- The periodic sweep ---------------------------------------------------------------------


def _sweep(command="send_due_sms"):
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_the_sweep_runs_the_purges_about_once_an_hour():
    _sms()
    debut = FROZEN_AT + jours("sms_texte") + JOUR
    with time_machine.travel(debut, tick=False):
        assert "textes effacés: 1" in _sweep()
    assert Journal.objects.filter(action="conservation.purge").count() == 1
    assert SmsMessage.objects.get().corps == ""
    with time_machine.travel(debut + 59 * MINUTE, tick=False):
        _sms()  # new text, not due for months
        _sweep("send_due_emails")  # the other sweep sees the same marker
    assert Journal.objects.filter(action="conservation.purge").count() == 1
    with time_machine.travel(debut + 61 * MINUTE, tick=False):
        assert "textes effacés" not in _sweep()  # nothing due: only non-zero counts shown
    assert Journal.objects.filter(action="conservation.purge").count() == 2


def test_the_sweep_still_purges_exports_every_pass():
    monde_exports()
    with time_machine.travel(FROZEN_AT + 23 * HEURE + 30 * MINUTE, tick=False):
        _sweep()  # the hourly run: the export is not due yet
    with time_machine.travel(FROZEN_AT + 24 * HEURE + 10 * MINUTE, tick=False):
        # The hourly run is not due again, the export goes all the same.
        assert "exports effacés: 1" in _sweep()
    assert Journal.objects.filter(action="conservation.purge").count() == 1
    assert not ExportFichier.objects.exists()


def test_a_failing_purge_does_not_stop_the_sweep(monkeypatch):
    def casse(now, wet_run):
        raise RuntimeError("panne")

    monkeypatch.setitem(conservation._purges, "courriels", casse)
    _sweep()  # no exception
    assert not Journal.objects.filter(action="conservation.purge").exists()
