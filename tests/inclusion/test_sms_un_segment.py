"""Issue 12: every workshop SMS is one GSM-7 segment, the opt-out link of the first one
included, with a realistic production address and long realistic names. Each kind of text is
rendered (the Textes des SMS kinds, the ateliers and pass replies, the code) and counted."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ateliers import sms as ateliers_sms
from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription
from ateliers.services import notifications, rappels
from cms.journeys.inscription import _texte_sms
from inclusion.models.textes import CleTexteSms
from inclusion.sms import gsm
from inclusion.sms.inbound import handle_start
from inclusion.sms.keywords import Inbound
from inclusion.sms.optout import lien_stop
from inclusion.sms.textes import KINDS
from pass_numerique.services.issuance import sms_body
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
DOMAINE = "https://inclusion.agglo-exemple.fr"  # a realistic production address
# The longest date: "le mercredi 29 septembre à 14 h 30".
DEBUT = datetime.datetime(2027, 9, 29, 14, 30, tzinfo=PARIS)
AVANT = DEBUT - datetime.timedelta(days=3)
TITRE_60 = "Créer son adresse e-mail et envoyer des photos à sa famille"
TITRE_80 = "Faire ses démarches en ligne : CAF, impôts, assurance maladie et France Travail."
LIEU_60 = "Maison France Services du quartier des Trois-Cités, salle 2"


def un_sms(texte):
    encodage, caracteres, segments = gsm.describe(texte)
    assert (encodage, segments) == (gsm.GSM7, 1), (caracteres, texte)
    return gsm.normalize(texte)


@pytest.fixture(params=[TITRE_60, TITRE_80], ids=["titre60", "titre80"])
def ctx(request, settings):
    settings.SITE_URL = DOMAINE
    settings.HELP_PHONE = "05 55 12 34 56"
    assert len(TITRE_60) == 59 and len(TITRE_80) == 80 and len(LIEU_60) == 59
    session = SessionFactory(
        debut=DEBUT,
        fin=DEBUT + datetime.timedelta(hours=2),
        theme=ThemeFactory(titre_falc=request.param),
        lieu=LieuFactory(nom=LIEU_60),
    )
    person = BeneficiaireFactory(id=987_654, prenom="Marie-Bernadette", consentant=True)
    inscription = Inscription.objects.create(
        session=session,
        beneficiaire=person,
        statut=StatutInscription.INSCRIT,
        canal=Canal.PRO,
        inscrit_le=AVANT,
    )
    type(session).objects.filter(pk=session.pk).update(nb_inscrits=1)
    return {"session": session, "person": person, "inscription": inscription}


def test_the_opt_out_link_is_short_and_holds_no_number(ctx):
    lien = lien_stop(ctx["person"])
    assert lien.startswith(f"{DOMAINE}/s/") and len(lien) <= len(DOMAINE) + 3 + 15
    assert ctx["person"].telephone.as_e164[3:] not in lien


@pytest.mark.parametrize("kind", sorted(notifications.TEXTS))
def test_each_workshop_notification_is_one_sms(ctx, kind):
    lien = lien_stop(ctx["person"]) if kind in notifications.AVEC_LIEN_STOP else None
    texte = un_sms(notifications.text_for(ctx["inscription"], kind, rang=12, lien=lien))
    if lien:
        assert texte.endswith(lien)  # the link is never cut
    assert "29 septembre" in texte and "14 h 30" in texte


@pytest.mark.parametrize("kind", ["rappel_48h", "rappel_matin"])
def test_each_reminder_is_one_sms(ctx, kind):
    texte = un_sms(rappels.texte(ctx["inscription"], kind))
    assert "ANNULER" in texte


def test_every_kind_of_the_sms_texts_is_covered():
    covered = {f"atelier_{k}" for k in notifications.TEXTS} | {
        CleTexteSms.RAPPEL_48H,
        CleTexteSms.RAPPEL_MATIN,
        CleTexteSms.PASS_LIEN,
        # One segment with long names and things to bring, and when moved:
        # tests/mediation/test_orientations_avis.py (test_the_sms_is_one_segment_…).
        CleTexteSms.ORIENTATION_ACCEPTEE,
        CleTexteSms.ORIENTATION_RDV_DEPLACE,
    }
    assert set(KINDS) <= covered


def test_the_pass_link_is_one_sms(settings):
    settings.SITE_URL = DOMAINE
    un_sms(sms_body("K7MQ3ZP9XW2HD4RTV"))


def test_the_public_code_is_one_sms(ctx):
    un_sms(_texte_sms(ctx["session"], "123456"))


def test_keyword_replies_are_one_sms(ctx):
    inbound = Inbound(
        telephone=ctx["person"].telephone.as_e164, beneficiaires=[ctx["person"]], argument=""
    )
    with time_machine.travel(AVANT, tick=False):
        un_sms(ateliers_sms.handle_annuler(inbound))
        un_sms(ateliers_sms.handle_oui(inbound))  # cancels: "est annulée"
        for _ in range(2):
            SessionFactory(
                debut=DEBUT + datetime.timedelta(days=1),
                fin=DEBUT + datetime.timedelta(days=1, hours=2),
                theme=ctx["session"].theme,
                lieu=ctx["session"].lieu,
            )
        un_sms(ateliers_sms.handle_ateliers(inbound))
        un_sms(ateliers_sms.handle_annuler(inbound))  # nothing left to cancel
    un_sms(handle_start(inbound))


def test_oui_i_am_coming_is_one_sms(ctx):
    inbound = Inbound(telephone=ctx["person"].telephone.as_e164, beneficiaires=[ctx["person"]])
    with time_machine.travel(AVANT, tick=False):
        un_sms(ateliers_sms.handle_oui(inbound))


def test_a_coordinators_longer_text_is_fitted_too(ctx):
    from inclusion.models import TexteSms

    TexteSms.objects.create(
        cle="atelier_promotion",
        corps="Bonne nouvelle : une place s'est libérée pour vous à l'atelier {titre} {quand}, "
        "{lieu}. Pour annuler, appelez le {aide}.",
    )
    texte = un_sms(notifications.text_for(ctx["inscription"], "promotion"))
    assert texte.startswith("Bonne nouvelle") and "05 55 12 34 56" in texte
