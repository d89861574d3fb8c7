"""The receiving place's side of an orientation (issue 16): take into account once, accept with
an appointment or a session of the place (the registration made through the registration
service), refuse with reasons, theme orientations sent to several places, corrections within
7 days, a moved appointment, the end of the service."""

import datetime

import pytest
import time_machine

from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session
from inclusion.models import Journal, OutgoingEmail, SmsMessage
from mediation.enums_orientations import StatutOrientation, Via
from mediation.services import orientations
from mediation.services.orientations_decision import (
    accept,
    can_correct,
    correct,
    decline,
    finish,
    finish_pro,
    move_appointment,
    take_into_account,
)
from tests.ateliers.factories import SessionFactory
from tests.clock import FROZEN_AT
from tests.mediation.factories_orientations import (
    acces_of,
    fill_session,
    link_parts,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    record_with_person,
    setup_orientations,
)
from tests.validation import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

JOUR = datetime.timedelta(days=1)
RDV = FROZEN_AT + 2 * JOUR
# Six months of elapsed time (the wall clock of Paris moves an hour in spring).
HORIZON = FROZEN_AT.astimezone(datetime.UTC) + datetime.timedelta(days=180)


@pytest.fixture
def ctx():
    return setup_orientations()


def emails(kind):
    return list(OutgoingEmail.objects.filter(kind=kind).order_by("pk"))


def door(orientation, ctx, n=0):
    """The espace pro door of the n-th place's médiateur, read afresh (as a request would)."""
    return acces_of(orientation, ctx.mediateurs[n], lieu=ctx.lieux[n])


def link_door(orientation, lieu):
    destinataire = orientation.destinataires.get(lieu=lieu)
    uuid, signature = link_parts(destinataire)
    return orientations.check_link(uuid=uuid, signature=signature)


def fresh(orientation):
    orientation.refresh_from_db()
    return orientation


# --- Taken into account ----------------------------------------------------------------------


def test_taken_into_account_once_with_who_when_and_how(ctx):
    orientation = orient_to_place(ctx)
    assert take_into_account(acces=door(orientation, ctx)) is True
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.PRISE_EN_COMPTE
    assert orientation.prise_en_compte_le == FROZEN_AT
    assert orientation.prise_en_compte_par == ctx.mediateur
    assert orientation.prise_en_compte_via == Via.PRO
    assert orientation.destinataires.get().ouvert_le == FROZEN_AT

    with time_machine.travel(FROZEN_AT + JOUR, tick=False):
        assert take_into_account(acces=link_door(orientation, ctx.lieu)) is False
    orientation = fresh(orientation)
    assert orientation.prise_en_compte_le == FROZEN_AT
    assert orientation.prise_en_compte_par == ctx.mediateur
    assert orientation.prise_en_compte_via == Via.PRO
    assert orientation.destinataires.get().ouvert_le == FROZEN_AT
    [ligne] = Journal.objects.filter(action="orientation.prise_en_compte")
    assert ligne.acteur == ctx.mediateur and ligne.details["via"] == Via.PRO


def test_taken_into_account_through_the_link_has_no_author(ctx):
    orientation = orient_to_place(ctx)
    assert take_into_account(acces=link_door(orientation, ctx.lieu)) is True
    orientation = fresh(orientation)
    assert orientation.prise_en_compte_par is None
    assert orientation.prise_en_compte_via == Via.LIEN


def test_each_place_of_a_theme_opens_it_for_itself(ctx):
    orientation = orient_to_theme(ctx)
    take_into_account(acces=door(orientation, ctx, 0))
    with time_machine.travel(FROZEN_AT + JOUR, tick=False):
        assert take_into_account(acces=door(orientation, ctx, 1)) is False
    ouverts = dict(orientation.destinataires.values_list("lieu", "ouvert_le"))
    assert ouverts == {ctx.lieux[0].pk: FROZEN_AT, ctx.lieux[1].pk: FROZEN_AT + JOUR}


def test_opening_a_decided_orientation_changes_nothing(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    assert take_into_account(acces=door(orientation, ctx)) is False
    assert fresh(orientation).statut == StatutOrientation.ACCEPTEE


# --- Accept with an appointment --------------------------------------------------------------


def test_accept_with_an_appointment(ctx, sms_outbox):
    orientation = orient_to_place(ctx)
    orientation = accept(
        acces=door(orientation, ctx), rdv_le=RDV, rdv_lieu=" Salle 2 ", a_apporter="Carte Vitale"
    )
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.ACCEPTEE and orientation.lieu == ctx.lieu
    assert orientation.decide_le == FROZEN_AT == orientation.premiere_decision_le
    assert orientation.prise_en_compte_le == FROZEN_AT  # accepting is taking into account
    assert orientation.decide_par == ctx.mediateur and orientation.decision_via == Via.PRO
    assert orientation.rdv_le == RDV and orientation.rdv_lieu == "Salle 2"
    assert orientation.a_apporter == "Carte Vitale" and orientation.inscription is None
    [email] = emails("orientation.decision")
    assert email.destinataire == ctx.prescripteur.email
    # The person chose to be told by SMS.
    assert SmsMessage.objects.filter(beneficiaire=ctx.personne).count() == 1
    [ligne] = Journal.objects.filter(action="orientation.acceptation")
    assert ligne.details == {
        "beneficiaire": ctx.personne.pk,
        "lieu": ctx.lieu.pk,
        "via": Via.PRO,
        "session": None,
    }


def test_without_a_place_given_the_appointment_is_at_the_place(ctx):
    orientation = accept(acces=door(orient_to_place(ctx), ctx), rdv_le=RDV)
    assert orientation.rdv_lieu.startswith("Médiathèque 1")


def test_accept_through_the_link(ctx):
    orientation = orient_to_place(ctx, prevenir_sms=False, contact_prefere="prescripteur")
    orientation = accept(acces=link_door(orientation, ctx.lieu), rdv_le=RDV)
    assert orientation.decide_par is None and orientation.decision_via == Via.LIEN
    assert not SmsMessage.objects.exists()


def test_a_person_to_reach_by_sms_is_told_by_sms_even_unticked(ctx):
    """ "Par SMS" as the way to reach the person means the service texts them the answer."""
    orientation = orient_to_place(ctx, prevenir_sms=False, contact_prefere="sms")
    assert orientation.prevenir_sms
    accept(acces=link_door(orientation, ctx.lieu), rdv_le=RDV)
    assert SmsMessage.objects.filter(beneficiaire=ctx.personne).count() == 1


@pytest.mark.parametrize(
    ("champs", "code"),
    [
        ({"rdv_le": None}, "rdv_requis"),
        ({"rdv_le": FROZEN_AT - datetime.timedelta(minutes=1)}, "rdv_passe"),
        ({"rdv_le": FROZEN_AT}, "rdv_passe"),
        ({"rdv_le": HORIZON + datetime.timedelta(minutes=1)}, "rdv_trop_loin"),
        ({"rdv_le": RDV, "rdv_lieu": "x" * 256}, "rdv_lieu_trop_long"),
        ({"rdv_le": RDV, "a_apporter": "x" * 121}, "a_apporter_trop_long"),
    ],
)
def test_a_bad_appointment_is_refused_and_nothing_changes(ctx, champs, code):
    orientation = orient_to_place(ctx)
    refused(code, accept, acces=door(orientation, ctx), **champs)
    assert fresh(orientation).statut == StatutOrientation.OUVERTE
    assert not emails("orientation.decision") and not SmsMessage.objects.exists()


def test_the_appointment_limits_themselves_pass(ctx):
    orientation = accept(
        acces=door(orient_to_place(ctx), ctx),
        rdv_le=HORIZON,
        rdv_lieu="x" * 255,
        a_apporter="y" * 120,
    )
    assert orientation.statut == StatutOrientation.ACCEPTEE


def test_an_orientation_is_accepted_once(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    refused("deja_decidee", accept, acces=door(orientation, ctx), rdv_le=RDV + JOUR)
    assert fresh(orientation).rdv_le == RDV
    assert len(emails("orientation.decision")) == 1


def test_a_cancelled_orientation_is_not_accepted(ctx):
    orientation = orient_to_place(ctx)
    orientations.cancel(acteur=ctx.prescripteur, orientation=orientation, motif="Trouvé")
    refused("deja_decidee", accept, acces=door(orientation, ctx), rdv_le=RDV)


# --- Accept with a session of the place ------------------------------------------------------


def test_accept_with_a_session_registers_the_person_through_the_service(ctx):
    orientation = orient_to_place(ctx)
    orientation = accept(acces=door(orientation, ctx), session=ctx.session)
    inscription = Inscription.objects.get()
    assert orientation.inscription == inscription and orientation.session == ctx.session
    assert (
        inscription.canal == Canal.ORIENTATION and inscription.statut == StatutInscription.INSCRIT
    )
    assert inscription.beneficiaire == ctx.personne and inscription.inscrit_par == ctx.mediateur
    assert Session.objects.get(pk=ctx.session.pk).nb_inscrits == 1
    orientation = fresh(orientation)
    assert orientation.rdv_le == ctx.session.debut and orientation.inscription == inscription
    assert Journal.objects.filter(action="inscription.creation").count() == 1
    [ligne] = Journal.objects.filter(action="orientation.acceptation")
    assert ligne.details["session"] == ctx.session.pk
    # The registration's own message tells the person; no appointment SMS besides.
    assert not SmsMessage.objects.filter(kind__startswith="orientation").exists()


def test_a_session_of_another_place_is_refused(ctx):
    orientation = orient_to_place(ctx)
    refused("session_autre_lieu", accept, acces=door(orientation, ctx), session=ctx.sessions[1])
    assert not Inscription.objects.exists()
    assert fresh(orientation).statut == StatutOrientation.OUVERTE


@pytest.mark.parametrize("etat", ["annulee", "commencee"])
def test_a_closed_session_is_refused(ctx, etat):
    if etat == "annulee":
        Session.objects.filter(pk=ctx.session.pk).update(statut=StatutSession.ANNULEE)
    else:
        Session.objects.filter(pk=ctx.session.pk).update(debut=FROZEN_AT)
    orientation = orient_to_place(ctx)
    refused("session_fermee", accept, acces=door(orientation, ctx), session=ctx.session)
    assert not Inscription.objects.exists()


def test_a_full_session_only_with_the_waiting_list(ctx):
    fill_session(ctx, ctx.session)
    orientation = orient_to_place(ctx)
    refused("session_complete", accept, acces=door(orientation, ctx), session=ctx.session)
    assert fresh(orientation).statut == StatutOrientation.OUVERTE
    orientation = accept(acces=door(orientation, ctx), session=ctx.session, liste_attente=True)
    assert orientation.inscription.statut == StatutInscription.EN_ATTENTE
    assert orientation.inscription.canal == Canal.ORIENTATION


def test_a_session_orientation_accepted_with_its_session_keeps_its_registration(ctx):
    orientation = orient_to_session(ctx)
    made = orientation.inscription
    orientation = accept(acces=door(orientation, ctx), session=ctx.session)
    assert orientation.inscription == made
    assert Inscription.objects.count() == 1


def test_the_person_on_the_last_seat_is_accepted_with_it(ctx):
    """The registration made with the request took the last seat: accepting that same
    session is not "session complète"."""
    fill_session(ctx, ctx.session, places=ctx.session.capacite - 1)
    orientation = orient_to_session(ctx)
    assert orientation.inscription.statut == StatutInscription.INSCRIT
    orientation = accept(acces=door(orientation, ctx), session=ctx.session)
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert fresh(orientation).inscription.statut == StatutInscription.INSCRIT


def test_an_appointment_instead_of_the_session_gives_the_seat_back(ctx):
    orientation = orient_to_session(ctx)
    made = orientation.inscription
    orientation = accept(acces=door(orientation, ctx), rdv_le=RDV)
    made.refresh_from_db()
    assert made.statut == StatutInscription.ANNULE
    assert fresh(orientation).inscription is None
    assert Session.objects.get(pk=ctx.session.pk).nb_inscrits == 0


def test_another_session_of_the_place_replaces_the_registration(ctx):
    orientation = orient_to_session(ctx)
    made = orientation.inscription
    debut = FROZEN_AT + 10 * JOUR
    autre = SessionFactory(
        lieu=ctx.lieu, theme=ctx.theme, debut=debut, fin=debut + datetime.timedelta(hours=2)
    )
    orientation = accept(acces=door(orientation, ctx), session=autre)
    made.refresh_from_db()
    assert made.statut == StatutInscription.ANNULE
    assert orientation.inscription.session == autre and fresh(orientation).session == autre


# --- Decline ---------------------------------------------------------------------------------


def test_decline_with_reasons_and_a_message(ctx):
    orientation = orient_to_place(ctx)
    orientation = decline(
        acces=door(orientation, ctx), motifs=["non_mobile", "non_mobile"], message="  Trop loin "
    )
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.motifs_refus == ["non_mobile"] and orientation.message == "Trop loin"
    assert orientation.decide_le == FROZEN_AT == orientation.premiere_decision_le
    assert orientation.decide_par == ctx.mediateur
    destinataire = orientation.destinataires.get()
    assert destinataire.decline_le == FROZEN_AT and destinataire.motifs_refus == ["non_mobile"]
    assert len(emails("orientation.decision")) == 1
    [ligne] = Journal.objects.filter(action="orientation.refus")
    assert ligne.details["motifs"] == ["non_mobile"] and "Trop loin" not in str(ligne.details)


@pytest.mark.parametrize(
    ("motifs", "message", "code"),
    [
        ([], "Un message", "motif_requis"),
        (None, "", "motif_requis"),
        (["pas_envie"], "", "motif_inconnu"),
        (["autre"], "", "message_requis"),
        (["autre"], "   ", "message_requis"),
        (["doublon"], "x" * 1001, "message_trop_long"),
    ],
)
def test_a_refusal_needs_known_reasons(ctx, motifs, message, code):
    orientation = orient_to_place(ctx)
    refused(code, decline, acces=door(orientation, ctx), motifs=motifs, message=message)
    assert fresh(orientation).statut == StatutOrientation.OUVERTE
    assert orientation.destinataires.get().decline_le is None


def test_a_thousand_characters_are_enough(ctx):
    orientation = decline(
        acces=door(orient_to_place(ctx), ctx), motifs=["autre"], message="x" * 1000
    )
    assert len(orientation.message) == 1000


def test_a_declined_session_orientation_gives_the_seat_back(ctx):
    orientation = orient_to_session(ctx)
    made = orientation.inscription
    decline(acces=door(orientation, ctx), motifs=["non_eligible"])
    made.refresh_from_db()
    assert made.statut == StatutInscription.ANNULE
    assert Session.objects.get(pk=ctx.session.pk).nb_inscrits == 0


def test_no_refusal_after_an_acceptance(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    refused("deja_decidee", decline, acces=door(orientation, ctx), motifs=["doublon"])
    assert fresh(orientation).statut == StatutOrientation.ACCEPTEE


# --- A theme sent to several places ----------------------------------------------------------


def test_one_place_refusing_a_theme_leaves_it_to_the_other(ctx):
    orientation = orient_to_theme(ctx)
    orientation = decline(acces=door(orientation, ctx, 0), motifs=["session_complete"])
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.OUVERTE and orientation.decide_le is None
    assert not emails("orientation.decision")
    assert Journal.objects.filter(action="orientation.refus_lieu").count() == 1
    # The place that refused may not refuse again, nor accept.
    refused("deja_refusee_ici", decline, acces=door(orientation, ctx, 0), motifs=["doublon"])
    refused("deja_refusee_ici", accept, acces=door(orientation, ctx, 0), rdv_le=RDV)
    # The other place takes the person, with its own session.
    orientation = accept(acces=door(orientation, ctx, 1), session=ctx.sessions[1])
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.ACCEPTEE and orientation.lieu == ctx.lieux[1]
    assert orientation.inscription.session == ctx.sessions[1]
    assert len(emails("orientation.decision")) == 1


def test_a_theme_is_refused_when_every_place_refused(ctx):
    orientation = orient_to_theme(ctx)
    decline(acces=door(orientation, ctx, 0), motifs=["non_mobile"])
    orientation = decline(acces=door(orientation, ctx, 1), motifs=["autre"], message="Non")
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.motifs_refus == ["autre"] and orientation.decide_par == ctx.mediateurs[1]
    assert len(emails("orientation.decision")) == 1
    assert Journal.objects.filter(action="orientation.refus").count() == 1


def test_once_a_place_accepted_a_theme_the_other_is_too_late(ctx):
    orientation = orient_to_theme(ctx)
    accept(acces=door(orientation, ctx, 0), rdv_le=RDV)
    refused("deja_decidee", accept, acces=door(orientation, ctx, 1), rdv_le=RDV)
    refused("deja_decidee", decline, acces=door(orientation, ctx, 1), motifs=["doublon"])
    assert fresh(orientation).lieu == ctx.lieux[0]


# --- Corrections within 7 days ---------------------------------------------------------------


def test_an_acceptance_corrected_into_a_refusal_cancels_the_registration(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), session=ctx.session)
    inscription = Inscription.objects.get()
    with time_machine.travel(FROZEN_AT + 3 * JOUR, tick=False):
        orientation = correct(
            acces=door(orientation, ctx),
            decision=StatutOrientation.REFUSEE,
            motifs=["session_complete"],
        )
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.decide_le == FROZEN_AT + 3 * JOUR
    assert orientation.premiere_decision_le == FROZEN_AT
    assert orientation.rdv_le is None
    inscription.refresh_from_db()
    assert inscription.statut == StatutInscription.ANNULE
    assert Session.objects.get(pk=ctx.session.pk).nb_inscrits == 0
    [ligne] = Journal.objects.filter(action="orientation.correction")
    assert ligne.details["avant"] == "acceptee" and ligne.details["apres"] == "refusee"
    assert len(emails("orientation.decision")) == 2


def test_a_refusal_corrected_into_an_acceptance(ctx):
    orientation = orient_to_place(ctx)
    decline(acces=door(orientation, ctx), motifs=["non_joignable"])
    with time_machine.travel(FROZEN_AT + 2 * JOUR, tick=False):
        orientation = correct(
            acces=link_door(orientation, ctx.lieu),
            decision=StatutOrientation.ACCEPTEE,
            rdv_le=FROZEN_AT + 4 * JOUR,
        )
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.ACCEPTEE
    assert orientation.motifs_refus == [] and orientation.message == ""
    assert orientation.rdv_le == FROZEN_AT + 4 * JOUR and orientation.decision_via == Via.LIEN
    destinataire = orientation.destinataires.get()
    assert destinataire.decline_le is None and destinataire.motifs_refus == []


def test_a_correction_is_checked_like_a_decision(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    refused(
        "motif_requis", correct, acces=door(orientation, ctx), decision=StatutOrientation.REFUSEE
    )
    refused("decision_inconnue", correct, acces=door(orientation, ctx), decision="peut_etre")
    assert fresh(orientation).statut == StatutOrientation.ACCEPTEE


def test_the_window_closes_seven_days_after_the_first_decision(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=FROZEN_AT + 10 * JOUR)
    with time_machine.travel(FROZEN_AT + 5 * JOUR, tick=False):
        correct(acces=door(orientation, ctx), decision="refusee", motifs=["doublon"])
    # The correction did not reopen a window of its own.
    with time_machine.travel(FROZEN_AT + 7 * JOUR + datetime.timedelta(minutes=1), tick=False):
        assert can_correct(fresh(orientation), door(orientation, ctx).destinataire) is False
        refused(
            "correction_fermee",
            correct,
            acces=door(orientation, ctx),
            decision="acceptee",
            rdv_le=FROZEN_AT + 10 * JOUR,
        )
    assert fresh(orientation).statut == StatutOrientation.REFUSEE


def test_at_exactly_seven_days_it_may_still_be_corrected(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=FROZEN_AT + 10 * JOUR)
    with time_machine.travel(FROZEN_AT + 7 * JOUR, tick=False):
        orientation = correct(acces=door(orientation, ctx), decision="refusee", motifs=["doublon"])
    assert orientation.statut == StatutOrientation.REFUSEE


def test_only_the_place_that_decided_corrects(ctx):
    orientation = orient_to_theme(ctx)
    accept(acces=door(orientation, ctx, 0), rdv_le=RDV)
    assert can_correct(fresh(orientation), door(orientation, ctx, 1).destinataire) is False
    refused(
        "correction_fermee",
        correct,
        acces=door(orientation, ctx, 1),
        decision="refusee",
        motifs=["doublon"],
    )
    assert fresh(orientation).lieu == ctx.lieux[0]


def test_an_open_orientation_has_nothing_to_correct(ctx):
    orientation = orient_to_place(ctx)
    refused(
        "correction_fermee",
        correct,
        acces=door(orientation, ctx),
        decision="acceptee",
        rdv_le=RDV,
    )


def test_a_theme_acceptance_withdrawn_goes_back_to_the_other_place(ctx):
    """Correcting an acceptance into a refusal while another place has not answered: the
    orientation waits for that place again (the rule of decline: refused when every place
    has refused)."""
    orientation = orient_to_theme(ctx)
    accept(acces=door(orientation, ctx, 0), session=ctx.sessions[0])
    correct(acces=door(orientation, ctx, 0), decision="refusee", motifs=["session_complete"])
    orientation = fresh(orientation)
    assert orientation.statut in (StatutOrientation.OUVERTE, StatutOrientation.PRISE_EN_COMPTE)
    assert orientation.lieu is None and orientation.decide_le is None
    assert Inscription.objects.get().statut == StatutInscription.ANNULE
    assert len(emails("orientation.decision")) == 1  # waiting again is not a decision
    orientation = accept(acces=door(orientation, ctx, 1), session=ctx.sessions[1])
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.ACCEPTEE and orientation.lieu == ctx.lieux[1]
    assert orientation.premiere_decision_le == FROZEN_AT
    assert can_correct(orientation, door(orientation, ctx, 1).destinataire)
    assert not can_correct(orientation, door(orientation, ctx, 0).destinataire)
    assert len(emails("orientation.decision")) == 2


# --- Moving the appointment ------------------------------------------------------------------


def test_the_appointment_moves_even_after_the_window(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV, rdv_lieu="Salle 2", a_apporter="Rien")
    later = FROZEN_AT + 9 * JOUR
    with time_machine.travel(later, tick=False):
        orientation = move_appointment(
            acces=door(orientation, ctx), rdv_le=later + 2 * JOUR, a_apporter="Carte Vitale"
        )
    orientation = fresh(orientation)
    assert orientation.rdv_le == later + 2 * JOUR and orientation.rdv_lieu == "Salle 2"
    assert orientation.a_apporter == "Carte Vitale"
    assert SmsMessage.objects.filter(beneficiaire=ctx.personne).count() == 2
    assert Journal.objects.filter(action="orientation.rdv_deplace").count() == 1


def test_the_moved_appointment_is_checked(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    refused("rdv_passe", move_appointment, acces=door(orientation, ctx), rdv_le=FROZEN_AT)
    refused(
        "rdv_trop_loin", move_appointment, acces=door(orientation, ctx), rdv_le=RDV + 200 * JOUR
    )
    assert fresh(orientation).rdv_le == RDV


def test_a_session_acceptance_has_no_appointment_to_move(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), session=ctx.session)
    refused("rdv_session", move_appointment, acces=door(orientation, ctx), rdv_le=RDV)


def test_only_an_accepted_appointment_of_the_place_moves(ctx):
    orientation = orient_to_theme(ctx)
    refused("pas_de_rdv", move_appointment, acces=door(orientation, ctx, 0), rdv_le=RDV)
    accept(acces=door(orientation, ctx, 0), rdv_le=RDV)
    refused("pas_de_rdv", move_appointment, acces=door(orientation, ctx, 1), rdv_le=RDV + JOUR)
    assert fresh(orientation).rdv_le == RDV


# --- The end ---------------------------------------------------------------------------------


def test_finish_pro_with_the_places_record(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    activite = record_with_person(ctx, ctx.lieu.structure)
    assert finish_pro(acces=door(orientation, ctx), activite=activite) is True
    orientation = fresh(orientation)
    assert orientation.statut == StatutOrientation.TERMINEE
    assert orientation.termine_le == FROZEN_AT and orientation.activite == activite
    [ligne] = Journal.objects.filter(action="orientation.fin")
    assert ligne.details["activite"] == activite.pk and ligne.acteur == ctx.mediateur
    assert finish(orientation=orientation) is False


def test_finish_pro_without_a_record(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    assert finish_pro(acces=door(orientation, ctx)) is True
    assert fresh(orientation).activite is None


def test_a_record_of_another_structure_or_person_is_refused(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    ailleurs = record_with_person(ctx, ctx.lieux[1].structure)
    refused("activite_autre", finish_pro, acces=door(orientation, ctx), activite=ailleurs)
    from tests.inclusion.factories import BeneficiaireFactory

    quelquun = record_with_person(
        ctx, ctx.lieu.structure, beneficiaire=BeneficiaireFactory(structure=ctx.lieu.structure)
    )
    refused("activite_autre", finish_pro, acces=door(orientation, ctx), activite=quelquun)
    assert fresh(orientation).statut == StatutOrientation.ACCEPTEE


def test_a_deleted_record_is_refused(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), rdv_le=RDV)
    activite = record_with_person(ctx, ctx.lieu.structure)
    activite.supprime_le = FROZEN_AT
    activite.save(update_fields=["supprime_le"])
    refused("activite_autre", finish_pro, acces=door(orientation, ctx), activite=activite)
    assert fresh(orientation).statut == StatutOrientation.ACCEPTEE


def test_only_an_orientation_accepted_by_the_place_is_finished(ctx):
    orientation = orient_to_theme(ctx)
    refused("pas_acceptee", finish_pro, acces=door(orientation, ctx, 0))
    accept(acces=door(orientation, ctx, 0), rdv_le=RDV)
    refused("pas_acceptee", finish_pro, acces=door(orientation, ctx, 1))
    assert fresh(orientation).statut == StatutOrientation.ACCEPTEE


def test_a_registration_made_before_stays_when_the_orientation_is_finished(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=door(orientation, ctx), session=ctx.session)
    assert finish(orientation=fresh(orientation), via="presence") is True
    assert Inscription.objects.get().statut == StatutInscription.INSCRIT
