import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session
from ateliers.services import registrations, sessions
from inclusion.enums import Role
from tests.ateliers.factories import SessionFactory, setup_atelier
from tests.inclusion.factories import BeneficiaireFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _person(ctx, **kwargs):
    structure = ctx["prescripteur"].memberships.get().structure
    return BeneficiaireFactory(structure=structure, consentant=True, **kwargs)


def _register(ctx, person, **kwargs):
    return registrations.register(
        session=ctx["session"],
        beneficiaire=person,
        canal=Canal.PRO,
        acteur=ctx["prescripteur"],
        **kwargs,
    )


def test_register_until_full_then_waiting_list_in_order(
    sms_outbox, django_capture_on_commit_callbacks
):
    ctx = setup_atelier(capacite=2)
    people = [_person(ctx) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        results = [_register(ctx, p) for p in people]
    assert [r.statut for r in results] == ["inscrit", "inscrit", "en_attente", "en_attente"]
    assert [r.rang_attente for r in results[2:]] == [1, 2]
    assert [registrations.position(r) for r in results[2:]] == [1, 2]
    assert Session.objects.get().nb_inscrits == 2
    kinds = [m.kind for m in sms_outbox]
    assert kinds == ["atelier_inscription"] * 2 + ["atelier_attente"] * 2
    assert ctx["session"].theme.titre_falc in sms_outbox[0].body
    assert ctx["session"].lieu.nom in sms_outbox[0].body
    assert "Liste d'attente, place 2 :" in sms_outbox[3].body  # one SMS (issue 12)


def test_cancellation_promotes_the_first_in_line_and_tells_them(
    sms_outbox, django_capture_on_commit_callbacks
):
    ctx = setup_atelier(capacite=1)
    first, second, third = (_person(ctx) for _ in range(3))
    seat = _register(ctx, first)
    waiting = [_register(ctx, second), _register(ctx, third)]
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = registrations.cancel_registration(inscription=seat, acteur=ctx["prescripteur"])
    assert [p.pk for p in promoted] == [waiting[0].pk]
    assert Inscription.objects.get(pk=waiting[0].pk).statut == StatutInscription.INSCRIT
    assert Inscription.objects.get(pk=seat.pk).statut == StatutInscription.ANNULE
    assert registrations.position(Inscription.objects.get(pk=waiting[1].pk)) == 1
    assert Session.objects.get().nb_inscrits == 1
    assert [m.kind for m in sms_outbox] == ["atelier_promotion"]


def test_same_person_twice_or_overlapping_is_refused():
    ctx = setup_atelier()
    person = _person(ctx)
    _register(ctx, person)
    with pytest.raises(ValidationError) as exc:
        _register(ctx, person)
    assert "déjà inscrit" in exc.value.messages[0]
    overlapping = SessionFactory(
        debut=ctx["session"].debut + datetime.timedelta(hours=1),
        fin=ctx["session"].fin + datetime.timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as exc:
        registrations.register(
            session=overlapping, beneficiaire=person, canal=Canal.PRO, acteur=ctx["prescripteur"]
        )
    assert "à la même heure" in exc.value.messages[0]
    assert Inscription.objects.count() == 1


def test_started_or_cancelled_sessions_refuse_registrations():
    ctx = setup_atelier(commencee=True)
    with pytest.raises(ValidationError) as exc:
        _register(ctx, _person(ctx))
    assert "déjà commencé" in exc.value.messages[0]
    ctx2 = setup_atelier()
    sessions.cancel_session(acteur=ctx2["mediateur"], session=ctx2["session"])
    with pytest.raises(ValidationError):
        _register(ctx2, _person(ctx2))


def test_only_people_the_user_follows_can_be_registered_from_the_espace_pro():
    ctx = setup_atelier()
    stranger = BeneficiaireFactory()
    with pytest.raises(PermissionDenied):
        _register(ctx, stranger)
    with pytest.raises(PermissionDenied):
        registrations.register(
            session=ctx["session"],
            beneficiaire=_person(ctx),
            canal=Canal.PRO,
            acteur=member(Role.VOLONTAIRE),
        )


def test_overbooking_only_by_a_mediateur_of_the_lieu():
    ctx = setup_atelier(capacite=1)
    _register(ctx, _person(ctx))
    with pytest.raises(PermissionDenied):
        _register(ctx, _person(ctx), surbooking=True)
    person = BeneficiaireFactory(structure=ctx["session"].lieu.structure)
    extra = registrations.register(
        session=ctx["session"],
        beneficiaire=person,
        canal=Canal.PRO,
        acteur=ctx["mediateur"],
        surbooking=True,
    )
    assert extra.statut == StatutInscription.INSCRIT and extra.surbooking
    assert Session.objects.get().nb_inscrits == 2


def test_cancelling_a_session_tells_everyone_and_clears_the_waiting_list(
    sms_outbox, django_capture_on_commit_callbacks
):
    ctx = setup_atelier(capacite=1)
    people = [_person(ctx) for _ in range(3)]
    for p in people:
        _register(ctx, p)
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        told = sessions.cancel_session(
            acteur=ctx["mediateur"], session=ctx["session"], motif="panne"
        )
    assert told == 3
    assert set(Inscription.objects.values_list("statut", flat=True)) == {"annule"}
    assert [m.kind for m in sms_outbox] == ["atelier_annulation_session"] * 3
    assert all(ctx["session"].theme.titre_falc in m.body for m in sms_outbox)


def test_moving_a_session_tells_registered_people(sms_outbox, django_capture_on_commit_callbacks):
    ctx = setup_atelier()
    _register(ctx, _person(ctx))
    sms_outbox.clear()
    new_start = ctx["session"].debut + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.update_session(
            acteur=ctx["mediateur"],
            session=ctx["session"],
            debut=new_start,
            fin=new_start + datetime.timedelta(hours=2),
        )
    assert [m.kind for m in sms_outbox] == ["atelier_changement"]


def test_more_seats_promote_the_waiting_list(sms_outbox):
    ctx = setup_atelier(capacite=1)
    _register(ctx, _person(ctx))
    waiting = _register(ctx, _person(ctx))
    sessions.update_session(acteur=ctx["mediateur"], session=ctx["session"], capacite=2)
    assert Inscription.objects.get(pk=waiting.pk).statut == StatutInscription.INSCRIT
    with pytest.raises(ValidationError) as exc:
        sessions.update_session(acteur=ctx["mediateur"], session=ctx["session"], capacite=1)
    assert "déjà inscrites" in exc.value.messages[0]


def test_recurring_sessions_keep_local_time_across_dst():
    ctx = setup_atelier()
    # Tuesday 14:00 Paris, six weeks across the end of October change of time.
    start = timezone.make_aware(datetime.datetime(timezone.now().year + 1, 10, 13, 14, 0))
    made = sessions.create_recurring(
        acteur=ctx["mediateur"],
        theme=ctx["session"].theme,
        lieu=ctx["session"].lieu,
        premier_debut=start,
        duree=datetime.timedelta(hours=2),
        nb_semaines=6,
        capacite=8,
    )
    assert len(made) == 6 and len({s.serie for s in made}) == 1
    local = [timezone.localtime(s.debut) for s in made]
    assert {(d.weekday(), d.hour, d.minute) for d in local} == {(local[0].weekday(), 14, 0)}


def test_a_mediateur_of_another_structure_cannot_touch_the_session():
    ctx = setup_atelier()
    other = member(Role.MEDIATEUR)
    with pytest.raises(PermissionDenied):
        sessions.cancel_session(acteur=other, session=ctx["session"])
    with pytest.raises(PermissionDenied):
        sessions.update_session(acteur=other, session=ctx["session"], capacite=20)


def test_confirmation_carries_a_stop_link_that_works(
    sms_outbox, client, django_capture_on_commit_callbacks
):
    from inclusion.models import OptOut

    ctx = setup_atelier()
    person = _person(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        _register(ctx, person)
    link = sms_outbox[0].body.rsplit(" ", 1)[-1]
    assert link.startswith("http") and "/s/" in link
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code in (200, 302)
    assert OptOut.objects.filter(telephone=person.telephone.as_e164).exists()


def test_session_page_lists_its_sms_for_the_mediateur(
    client, sms_outbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    ctx = setup_atelier()
    person = _person(ctx, prenom="Ginette")
    with django_capture_on_commit_callbacks(execute=True):
        _register(ctx, person)
    client.force_login(ctx["mediateur"])
    html = client.get(reverse("ateliers:session_detail", args=[ctx["session"].pk])).content.decode()
    assert "SMS envoyés pour cette session" in html
    assert "Inscription à un atelier" in html and "Envoyé" in html
    assert person.telephone.as_e164 not in html


# Issue 13: refusals carry codes; callers tell "about the session" from "about the person" by
# code, never by the start of the French message.


def test_refusals_carry_codes_and_say_whether_they_concern_the_session():
    ctx = setup_atelier()
    person = _person(ctx)
    _register(ctx, person)
    with pytest.raises(ValidationError) as deja:
        _register(ctx, person)
    assert deja.value.code == "deja_inscrit"
    assert not registrations.refus_de_la_session(deja.value)
    with pytest.raises(ValidationError) as commencee:
        _register(ctx, _person(ctx), now=ctx["session"].debut + datetime.timedelta(minutes=1))
    assert commencee.value.code == "session_commencee"
    assert registrations.refus_de_la_session(commencee.value)
    # The code decides, whatever the wording says.
    reformulee = ValidationError("Désolé, c'est fini pour cet atelier.", code="session_annulee")
    assert registrations.refus_de_la_session(reformulee)
    assert not registrations.refus_de_la_session(ValidationError("Cette session, non."))


def test_upcoming_sessions_are_those_one_can_still_register_to():
    ctx = setup_atelier()
    session = ctx["session"]
    # Starting exactly now: already started for the registration service, so not upcoming.
    assert not Session.objects.a_venir(session.debut).filter(pk=session.pk).exists()
    with pytest.raises(ValidationError) as exc:
        _register(ctx, _person(ctx), now=session.debut)
    assert exc.value.code == "session_commencee"
    un_peu_avant = session.debut - datetime.timedelta(seconds=1)
    assert Session.objects.a_venir(un_peu_avant).filter(pk=session.pk).exists()
