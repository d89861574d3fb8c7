"""The messages of orientations: e-mails to the places and to the prescripteur, the SMS of the
appointment to the person (FALC, one segment, the socle's rules)."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from ateliers.enums import Canal
from ateliers.services.registrations import register
from inclusion.emails.delivery import deliver
from inclusion.models import (
    OptOut,
    OutgoingEmail,
    SmsMessage,
    StatutEmail,
    StatutSms,
    TexteSms,
)
from inclusion.models.textes import CleTexteSms
from inclusion.sms import gsm
from inclusion.sms.delivery import deliver as deliver_sms
from mediation.enums_orientations import MotifRefus, StatutOrientation
from mediation.models import Orientation
from mediation.services import orientations, orientations_avis, orientations_decision
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory
from tests.mediation.factories_orientations import (
    acces_of,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

JOUR = datetime.timedelta(days=1)
# Thursday 19 November 2026, 14 h 30 in Paris.
RDV = FROZEN_AT + datetime.timedelta(days=2, hours=4, minutes=30)


@pytest.fixture
def ctx():
    ctx = setup_orientations()
    ctx.personne.nom = "Dupont-Lagarde"
    ctx.personne.save(update_fields=["nom"])
    return ctx


def emails(kind):
    return OutgoingEmail.objects.filter(kind=f"orientation.{kind}").order_by("pk")


def link_in(text):
    return re.search(r"https?://\S+/orientations/\S+\?h=[0-9a-f]+", text).group(0)


def _accept(ctx, orientation, **champs):
    return orientations_decision.accept(
        acces=acces_of(orientation, ctx.mediateur), **{"rdv_le": RDV, **champs}
    )


# --- To the places -----------------------------------------------------------------------------


def test_new_request_to_the_place(ctx):
    orientation = orient_to_place(ctx)
    email = emails("nouvelle").get()
    assert email.destinataire == "lieu1@example.org"
    assert email.sujet == "Nouvelle orientation : Josiane, par CCAS de Bordeaux"
    assert email.about == f"mediation.orientation#{orientation.pk}"
    for body in (email.texte, email.html):
        assert "Josiane" in body
        assert "Créer une adresse e-mail" in body  # the need in a few words
        assert "E-mail" in body  # the need's label
        assert "par SMS (envoyé par le service)" in body  # how to reach the person
        assert "Inès Roux" in body and ctx.prescripteur.email in body
        assert "CCAS de Bordeaux" in body
        assert "25 novembre 2026" in body  # the link's validity: 8 days
        assert "30 jours (le 17 décembre 2026)" in body  # what happens with no answer
    assert "valable jusqu'au 25 novembre 2026" in email.texte
    # The same link in both versions, the button and the copyable address.
    lien = link_in(email.texte)
    assert email.html.count(lien.replace("&", "&amp;")) == 2
    # The link is valid for its place.
    parts = urlsplit(lien)
    uuid = parts.path.rstrip("/").rsplit("/", 1)[-1]
    acces = orientations.check_link(uuid=uuid, signature=parse_qs(parts.query)["h"][0])
    assert acces.destinataire == orientation.destinataires.get()
    assert acces.acteur is None


def test_the_link_expires_with_the_date_it_shows(ctx):
    orient_to_place(ctx)
    email = emails("nouvelle").get()
    parts = urlsplit(link_in(email.texte))
    uuid = parts.path.rstrip("/").rsplit("/", 1)[-1]
    signature = parse_qs(parts.query)["h"][0]
    with time_machine.travel(FROZEN_AT + 8 * JOUR, tick=False):
        with pytest.raises(orientations.LienRefuse) as refus:
            orientations.check_link(uuid=uuid, signature=signature)
    assert refus.value.code == "expire"
    assert email.inutile_apres == FROZEN_AT + 8 * JOUR  # not sent once useless


def test_kept_copy_masks_the_signature(ctx):
    orient_to_place(ctx)
    email = emails("nouvelle").get()
    signature = parse_qs(urlsplit(link_in(email.texte)).query)["h"][0]
    assert email.a_masquer == [signature]

    assert deliver(email.pk) == StatutEmail.ENVOYE
    email.refresh_from_db()
    assert email.a_masquer == []
    for body in (email.texte, email.html):
        assert signature not in body
        assert "?h=•••" in body


def test_theme_request_goes_to_every_place_with_a_session(ctx):
    orient_to_theme(ctx)
    sent = emails("nouvelle")
    assert sorted(sent.values_list("destinataire", flat=True)) == [
        "lieu1@example.org",
        "lieu2@example.org",
    ]
    first = sent.first()
    assert f"l'atelier « {ctx.theme.titre} »" in first.texte
    assert "le premier qui accepte prend la personne" in first.texte
    # Each place its own link.
    assert link_in(sent[0].texte) != link_in(sent[1].texte)


def test_session_request_names_the_session(ctx):
    orient_to_session(ctx)
    email = emails("nouvelle").get()
    assert f"la session de l'atelier « {ctx.theme.titre} » du samedi 21 novembre" in email.texte


def test_a_place_without_address_gets_no_email(ctx):
    ctx.lieu.courriels = ""
    ctx.lieu.save(update_fields=["courriels"])
    ctx.lieu.structure.courriel = ""
    ctx.lieu.structure.save(update_fields=["courriel"])
    orient_to_place(ctx)
    assert not emails("nouvelle").exists()


def test_manual_reminder_and_new_link(ctx):
    orientation = orient_to_place(ctx)
    with time_machine.travel(FROZEN_AT + 3 * JOUR, tick=False):
        orientations.remind(acteur=ctx.prescripteur, orientation=orientation)
    relance = emails("relance_manuelle").get()
    assert relance.destinataire == "lieu1@example.org"
    assert relance.sujet == "Relance : orientation de Josiane en attente de réponse"
    assert "Inès Roux vous relance : cette orientation attend votre réponse depuis 3 jours." in (
        relance.texte
    )
    assert "valable jusqu'au 28 novembre 2026" in relance.texte

    destinataire = orientation.destinataires.get()
    with time_machine.travel(FROZEN_AT + 12 * JOUR, tick=False):
        assert orientations.send_new_link(destinataire=destinataire)
    nouveau = emails("nouveau_lien").get()
    assert nouveau.destinataire == "lieu1@example.org"
    assert nouveau.sujet == "Nouveau lien : orientation de Josiane"
    assert "Les liens envoyés avant ne marchent plus." in nouveau.texte
    # Only the newest link opens.
    for old, ok in ((relance, False), (nouveau, True)):
        parts = urlsplit(link_in(old.texte))
        uuid = parts.path.rstrip("/").rsplit("/", 1)[-1]
        with time_machine.travel(FROZEN_AT + 12 * JOUR, tick=False):
            if ok:
                orientations.check_link(uuid=uuid, signature=parse_qs(parts.query)["h"][0])
            else:
                with pytest.raises(orientations.LienRefuse):
                    orientations.check_link(uuid=uuid, signature=parse_qs(parts.query)["h"][0])


def test_cancellation_to_the_places_that_did_not_refuse(ctx):
    orientation = orient_to_theme(ctx)
    orientations_decision.decline(
        acces=acces_of(orientation, ctx.mediateurs[1]), motifs=[MotifRefus.SESSION_COMPLETE]
    )
    orientations.cancel(
        acteur=ctx.prescripteur, orientation=orientation, motif="A trouvé un atelier ailleurs"
    )
    email = emails("annulation").get()
    assert email.destinataire == "lieu1@example.org"
    assert email.sujet == "Orientation annulée : Josiane, par CCAS de Bordeaux"
    assert "Raison : A trouvé un atelier ailleurs" in email.texte
    assert "le lien reçu pour cette orientation ne sert plus" in email.texte


def test_cancellation_of_an_accepted_appointment_says_the_slot_is_free(ctx):
    orientation = _accept(ctx, orient_to_place(ctx))
    orientations.cancel(acteur=ctx.prescripteur, orientation=orientation, motif="Déménage")
    email = emails("annulation").get()
    assert "Le rendez-vous prévu le jeudi 19 novembre à 14 h 30 n'a plus lieu d'être" in (
        email.texte
    )


# --- To the prescripteur -----------------------------------------------------------------------


def test_acceptance_with_an_appointment(ctx):
    orientation = _accept(
        ctx, orient_to_place(ctx), rdv_lieu="Salle 2, 1 place de la Mairie", a_apporter="Sa carte"
    )
    email = emails("decision").get()
    assert email.destinataire == ctx.prescripteur.email
    assert email.sujet == "Orientation acceptée : Josiane, Médiathèque 1"
    assert "Rendez-vous : le jeudi 19 novembre à 14 h 30" in email.texte
    assert "Lieu : Salle 2, 1 place de la Mairie" in email.texte
    assert "À apporter : Sa carte" in email.texte
    assert "Josiane reçoit ce rendez-vous par SMS." in email.texte
    assert f"/pro/orientations/{orientation.uuid}/" in email.texte


def test_acceptance_without_sms_asks_the_prescripteur_to_tell_the_person(ctx):
    _accept(ctx, orient_to_place(ctx, prevenir_sms=False, contact_prefere="prescripteur"))
    email = emails("decision").get()
    assert "Pensez à prévenir Josiane de ce rendez-vous." in email.texte
    assert "Lieu : Médiathèque 1, 1 place de la Mairie" in email.texte  # the default address


def test_acceptance_with_a_session(ctx):
    orientation = orient_to_theme(ctx)
    orientations_decision.accept(
        acces=acces_of(orientation, ctx.mediateurs[1]), session=ctx.sessions[1]
    )
    email = emails("decision").get()
    assert email.sujet == "Orientation acceptée : Josiane, Médiathèque 2"
    assert f"Josiane a une place à l'atelier « {ctx.theme.titre} », dimanche 22 novembre" in (
        email.texte
    )
    assert "Rendez-vous :" not in email.texte


def test_acceptance_on_the_waiting_list():
    ctx = setup_orientations(capacite=1)

    register(
        session=ctx.session,
        beneficiaire=BeneficiaireFactory(structure=ctx.lieu.structure),
        canal=Canal.PRO,
        acteur=ctx.mediateur,
    )
    orientation = orient_to_theme(ctx)
    orientations_decision.accept(
        acces=acces_of(orientation, ctx.mediateur, lieu=ctx.lieu),
        session=ctx.session,
        liste_attente=True,
    )
    email = emails("decision").get()
    assert "Josiane est sur la liste d'attente de l'atelier" in email.texte


def test_refusal_gives_the_reasons_labels_and_the_message(ctx):
    orientation = orient_to_place(ctx)
    orientations_decision.decline(
        acces=acces_of(orientation, ctx.mediateur),
        motifs=[MotifRefus.NON_MOBILE, MotifRefus.AUTRE],
        message="Nos locaux sont à l'étage, sans ascenseur.",
    )
    email = emails("decision").get()
    assert email.sujet == "Orientation refusée : Josiane, Médiathèque 1"
    assert "- Ne peut pas se déplacer\n- Autre raison\n" in email.texte
    assert "non_mobile" not in email.texte
    assert "Message du lieu : Nos locaux sont à l'étage, sans ascenseur." in email.texte
    assert "Vous pouvez orienter Josiane vers un autre lieu" in email.texte
    assert "<li>Ne peut pas se déplacer</li>" in email.html


def test_theme_refused_by_every_place_gives_each_place_reasons(ctx):
    orientation = orient_to_theme(ctx)
    orientations_decision.decline(
        acces=acces_of(orientation, ctx.mediateurs[0]), motifs=[MotifRefus.SESSION_COMPLETE]
    )
    assert not emails("decision").exists()  # the other place may still accept
    orientations_decision.decline(
        acces=acces_of(orientation, ctx.mediateurs[1]),
        motifs=[MotifRefus.NON_ELIGIBLE],
        message="Atelier réservé aux débutants.",
    )
    email = emails("decision").get()
    assert "Aucun des lieux contactés ne peut prendre Josiane" in email.texte
    assert "Médiathèque 1 : Session complète." in email.texte
    assert "Médiathèque 2 : Non éligible (pré-requis)." in email.texte
    assert "Message du lieu : Atelier réservé aux débutants." in email.texte


def test_correction_of_a_decision(ctx):
    orientation = _accept(ctx, orient_to_place(ctx))
    with time_machine.travel(FROZEN_AT + JOUR, tick=False):
        orientations_decision.correct(
            acces=acces_of(orientation, ctx.mediateur),
            decision=StatutOrientation.REFUSEE,
            motifs=[MotifRefus.NON_JOIGNABLE],
        )
    first, second = emails("decision")
    assert first.sujet == "Orientation acceptée : Josiane, Médiathèque 1"
    assert second.sujet == "Décision corrigée : Josiane, Médiathèque 1"
    assert "Médiateur" not in second.texte
    assert "Médiathèque 1 a corrigé sa décision" in second.texte
    assert "- Personne non joignable" in second.texte


def test_appointment_moved_to_the_prescripteur(ctx):
    """move_appointment tells the prescripteur (orientations_avis.rdv_deplace_au_prescripteur)."""
    orientation = _accept(
        ctx, orient_to_place(ctx, prevenir_sms=False, contact_prefere="prescripteur")
    )
    assert not emails("rdv_deplace").exists()
    orientation = _move(ctx, orientation, RDV + JOUR, a_apporter="ses codes")
    email = emails("rdv_deplace").get()
    assert email.destinataire == ctx.prescripteur.email
    assert email.sujet == "Rendez-vous déplacé : Josiane, Médiathèque 1"
    assert "Nouveau rendez-vous : le vendredi 20 novembre à 14 h 30" in email.texte
    assert "À apporter : ses codes" in email.texte
    assert "Pensez à prévenir Josiane de ce changement." in email.texte


def test_an_inactive_prescripteur_gets_nothing(ctx):
    orientation = orient_to_place(ctx)
    type(ctx.prescripteur).objects.filter(pk=ctx.prescripteur.pk).update(is_active=False)
    orientation = Orientation.objects.get(pk=orientation.pk)
    assert orientations_avis.decision_au_prescripteur(orientation) is None


# --- Personal data -----------------------------------------------------------------------------


def test_no_surname_and_no_phone_in_any_email(ctx):
    """A whole life: request, reminder, decisions, correction, cancellation, expiry."""
    from mediation.services.orientations_relances import sweep

    personne = ctx.personne
    numbers = {
        str(personne.telephone),
        personne.telephone.as_e164,
        personne.telephone.as_national,
        personne.telephone.as_national.replace(" ", ""),
        personne.telephone.as_international,
    }
    o1 = _accept(ctx, orient_to_place(ctx), a_apporter="Son téléphone")
    with time_machine.travel(FROZEN_AT + JOUR, tick=False):
        orientations_decision.correct(
            acces=acces_of(o1, ctx.mediateur),
            decision=StatutOrientation.REFUSEE,
            motifs=[MotifRefus.AUTRE],
            message="Rappeler plus tard.",
        )
    o2 = orient_to_theme(ctx)
    orientations.remind(acteur=ctx.prescripteur, orientation=o2)
    orientations.cancel(acteur=ctx.prescripteur, orientation=o2, motif="Plus besoin")
    orient_to_session(ctx)
    orient_to_place(ctx, lieu=ctx.lieux[1])
    o4 = _move(ctx, _accept(ctx, orient_to_place(ctx)), RDV + JOUR)
    orientations_avis.rdv_deplace_au_prescripteur(o4)
    with time_machine.travel(FROZEN_AT + 10 * JOUR, tick=False):
        sweep()
    with time_machine.travel(FROZEN_AT + 30 * JOUR, tick=False):
        sweep()

    kinds = set(OutgoingEmail.objects.values_list("kind", flat=True))
    assert kinds == {
        "orientation.nouvelle",
        "orientation.relance_manuelle",
        "orientation.relance",
        "orientation.decision",
        "orientation.annulation",
        "orientation.expiration",
        "orientation.rdv_deplace",
    }
    for email in OutgoingEmail.objects.all():
        for body in (email.sujet, email.texte, email.html):
            assert "Josiane" in body
            assert "Dupont-Lagarde" not in body
            assert "Martin" not in body
            for number in numbers:
                assert number not in body


# --- The SMS to the person ---------------------------------------------------------------------


def test_sms_on_acceptance_with_an_appointment(ctx):
    orientation = _accept(ctx, orient_to_place(ctx), a_apporter="votre téléphone")
    sms = SmsMessage.objects.get()
    assert sms.beneficiaire == ctx.personne
    assert sms.kind == CleTexteSms.ORIENTATION_ACCEPTEE
    assert sms.about == f"mediation.orientation#{orientation.pk}"
    assert sms.corps == (
        "Bonjour. Vous avez rendez-vous le jeudi 19 novembre à 14 h 30. "
        "Lieu : Médiathèque 1, 1 place de la Mairie. "
        "Apportez : votre téléphone. Aide : 05 00 00 00 00"
    )
    assert sms.segments == 1
    assert sms.inutile_apres == RDV


def test_no_sms_when_not_asked(ctx):
    _accept(ctx, orient_to_place(ctx, prevenir_sms=False, contact_prefere="prescripteur"))
    assert not SmsMessage.objects.exists()


def test_no_sms_for_a_session_the_registration_tells(ctx):
    orientation = orient_to_theme(ctx, prevenir_sms=True)
    orientations_decision.accept(acces=acces_of(orientation, ctx.mediateur), session=ctx.session)
    assert not SmsMessage.objects.filter(kind__startswith="orientation").exists()


def test_no_consent_no_sms(ctx):
    orientation = orient_to_place(ctx)
    # The person withdrew their consent after the request left.
    type(ctx.personne).objects.filter(pk=ctx.personne.pk).update(
        consentement_sms=False, consentement_sms_le=None
    )
    orientation = _accept(ctx, Orientation.objects.get(pk=orientation.pk))
    assert orientation.statut == StatutOrientation.ACCEPTEE  # the decision stands
    assert not SmsMessage.objects.exists()
    result = orientations_avis.sms_rendez_vous(orientation)
    assert result.sent is False
    assert result.code == "no_consent"
    assert not SmsMessage.objects.exists()


def test_opted_out_no_sms(ctx):
    orientation = orient_to_place(ctx)
    OptOut.objects.create(telephone=ctx.personne.telephone.as_e164)
    _accept(ctx, orientation)
    assert not SmsMessage.objects.exists()


def _sent():
    """Deliver what is due, as the worker does once the caller commits."""
    for sms in SmsMessage.objects.filter(statut=StatutSms.A_ENVOYER):
        deliver_sms(sms.pk)


def _move(ctx, orientation, rdv_le, **champs):
    return orientations_decision.move_appointment(
        acces=acces_of(orientation, ctx.mediateur), rdv_le=rdv_le, **champs
    )


def test_sms_when_the_appointment_moves(ctx, sms_delivered):
    orientation = _accept(ctx, orient_to_place(ctx))
    _sent()
    nouveau = RDV + 2 * JOUR
    _move(ctx, orientation, nouveau, a_apporter="Apportez vos codes")
    first, moved = SmsMessage.objects.order_by("pk")
    assert first.statut == StatutSms.ENVOYE
    assert moved.kind == CleTexteSms.ORIENTATION_RDV_DEPLACE
    assert moved.corps.startswith(
        "Bonjour. Votre rendez-vous change : le samedi 21 novembre à 14 h 30. "
    )
    assert "Apportez vos codes. Aide : 05 00 00 00 00" in moved.corps
    assert moved.segments == 1
    assert moved.inutile_apres == nouveau
    _sent()
    assert len(sms_delivered) == 2


def test_moved_back_and_forth_each_move_is_told(ctx):
    orientation = _accept(ctx, orient_to_place(ctx))
    _sent()
    for rdv_le in (RDV + JOUR, RDV, RDV + JOUR):
        _move(ctx, orientation, rdv_le)
        _sent()
    kinds = list(SmsMessage.objects.order_by("pk").values_list("kind", "statut"))
    assert kinds == [(CleTexteSms.ORIENTATION_ACCEPTEE, StatutSms.ENVOYE)] + 3 * [
        (CleTexteSms.ORIENTATION_RDV_DEPLACE, StatutSms.ENVOYE)
    ]


def test_a_move_that_changes_nothing_sends_nothing(ctx):
    orientation = _accept(ctx, orient_to_place(ctx), a_apporter="vos codes")
    _sent()
    _move(ctx, orientation, RDV, a_apporter="vos codes")
    assert SmsMessage.objects.count() == 1
    assert orientations_avis.sms_rendez_vous(orientation).code == "duplicate"


def test_moved_before_the_first_sms_left_only_the_new_one_goes(ctx, settings):
    settings.SMS_SEND_WINDOW = True
    orientation = orient_to_place(ctx)
    with time_machine.travel(FROZEN_AT.replace(hour=21), tick=False):
        _accept(ctx, orientation)
        _move(ctx, orientation, RDV + JOUR)
    first, second = SmsMessage.objects.order_by("pk")
    assert first.statut == StatutSms.ANNULE  # withdrawn before it left
    assert second.statut == StatutSms.A_ENVOYER
    # The person never read the first one: no "change", just the appointment.
    assert second.kind == CleTexteSms.ORIENTATION_ACCEPTEE
    assert second.corps.startswith("Bonjour. Vous avez rendez-vous le vendredi 20 novembre")


def test_refused_on_correction_the_waiting_sms_is_withdrawn(ctx, settings):
    settings.SMS_SEND_WINDOW = True
    orientation = orient_to_place(ctx)
    with time_machine.travel(FROZEN_AT.replace(hour=21), tick=False):
        _accept(ctx, orientation)
        orientations_decision.correct(
            acces=acces_of(orientation, ctx.mediateur),
            decision=StatutOrientation.REFUSEE,
            motifs=[MotifRefus.NON_JOIGNABLE],
        )
    assert SmsMessage.objects.get().statut == StatutSms.ANNULE
    assert "a reçu par SMS" not in emails("decision").last().texte


def test_refused_on_correction_after_the_sms_left_the_prescripteur_is_warned(ctx):
    orientation = _accept(ctx, orient_to_place(ctx))
    _sent()
    with time_machine.travel(FROZEN_AT + JOUR, tick=False):
        orientations_decision.correct(
            acces=acces_of(orientation, ctx.mediateur),
            decision=StatutOrientation.REFUSEE,
            motifs=[MotifRefus.NON_JOIGNABLE],
        )
    email = emails("decision").last()
    assert (
        "Attention : Josiane a reçu par SMS, le mardi 17 novembre à 10 h, le rendez-vous qui "
        "n'a plus lieu : prévenez la personne." in email.texte
    )


def test_cancelled_the_waiting_sms_is_withdrawn(ctx, settings):
    settings.SMS_SEND_WINDOW = True
    orientation = orient_to_place(ctx)
    with time_machine.travel(FROZEN_AT.replace(hour=21), tick=False):
        orientation = _accept(ctx, orientation)
        orientations.cancel(acteur=ctx.prescripteur, orientation=orientation, motif="Déménage")
    assert SmsMessage.objects.get().statut == StatutSms.ANNULE


def test_outside_send_hours_the_sms_waits(ctx, settings):
    settings.SMS_SEND_WINDOW = True
    orientation = orient_to_place(ctx)
    evening = FROZEN_AT.replace(hour=21)
    with time_machine.travel(evening, tick=False):
        orientations_decision.accept(acces=acces_of(orientation, ctx.mediateur), rdv_le=RDV)
    sms = SmsMessage.objects.get()
    assert sms.pas_avant == FROZEN_AT.replace(hour=9) + JOUR  # next morning, 9 h


@pytest.mark.parametrize(
    ("rdv_lieu", "a_apporter"),
    [
        ("", ""),
        ("", "votre téléphone et votre carte Vitale"),
        ("Médiathèque François Mitterrand, 12 rue des Lilas, 33000 Bordeaux", "vos codes"),
        (
            "Maison France Services du quartier de la Bastide Niel, 145 avenue Thiers, Bordeaux",
            "Apportez votre téléphone, vos codes et une pièce d'identité",
        ),
        ("X" * 255, "y" * 120),
    ],
)
def test_the_sms_is_one_segment_even_with_long_names(ctx, rdv_lieu, a_apporter):
    ctx.lieu.nom = "Maison France Services intercommunale du Grand Saint-Émilionnais"
    ctx.lieu.save(update_fields=["nom"])
    _accept(ctx, orient_to_place(ctx), rdv_lieu=rdv_lieu, a_apporter=a_apporter)
    sms = SmsMessage.objects.get()
    assert sms.segments == 1, sms.corps
    assert gsm.length(sms.corps) <= 160
    assert sms.corps.startswith("Bonjour. Vous avez rendez-vous le ")
    assert "14 h 30" in sms.corps
    assert sms.corps.endswith("Aide : 05 00 00 00 00")
    assert "...." not in sms.corps


def test_the_place_name_goes_before_its_street(ctx):
    """A long default address: the person keeps the street and the town."""
    ctx.lieu.nom = "Maison France Services intercommunale du Grand Saint-Émilionnais"
    ctx.lieu.save(update_fields=["nom"])
    _accept(ctx, orient_to_place(ctx), a_apporter="votre téléphone")
    sms = SmsMessage.objects.get()
    assert f"Lieu : {ctx.lieu.adresse}, {ctx.lieu.commune.nom}." in sms.corps
    assert "Apportez : votre téléphone." in sms.corps


def test_a_coordinator_text_is_used(ctx):
    TexteSms.objects.create(
        cle=CleTexteSms.ORIENTATION_ACCEPTEE,
        corps="RDV {quand} à {lieu}. {apporter} Questions : {aide}",
        actif=True,
    )
    _accept(ctx, orient_to_place(ctx))
    sms = SmsMessage.objects.get()
    assert sms.corps.startswith("RDV le jeudi 19 novembre à 14 h 30 à Médiathèque 1")
    assert sms.corps.endswith("Questions : 05 00 00 00 00")  # no double space left
