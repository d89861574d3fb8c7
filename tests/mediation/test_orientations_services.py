"""Orientations, the sending side and the doors of the receiving side (issue 16): orient() for
each type and each refusal, the journal, the espace pro door and the signed link (tampered,
re-issued, expired, unknown), a new link on demand, cancel and remind."""

import datetime
import json
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import crypto, timezone

from ateliers.enums import Canal, StatutInscription, StatutSession, Thematique
from ateliers.models import Inscription, Session
from inclusion.enums import Role
from inclusion.models import Journal, OutgoingEmail
from mediation.enums_orientations import ContactPrefere, StatutOrientation, TypeOrientation, Via
from mediation.models import Destinataire, Diagnostic, Orientation
from mediation.services import orientations
from mediation.services.orientations import LienRefuse, check_link, send_new_link
from mediation.services.orientations_decision import accept, decline
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.clock import FROZEN_AT
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, StructureFactory, member
from tests.mediation.factories_orientations import (
    acces_of,
    fill_session,
    link_parts,
    orient_to_place,
    orient_to_session,
    orient_to_theme,
    setup_orientations,
)
from tests.validation import refused

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

JOUR = datetime.timedelta(days=1)


@pytest.fixture
def ctx():
    return setup_orientations()


def emails(kind):
    return list(OutgoingEmail.objects.filter(kind=kind).order_by("pk"))


# --- orient() --------------------------------------------------------------------------------


def test_to_a_place_one_receiving_place_with_its_link_e_mailed(ctx):
    orientation = orient_to_place(ctx)
    assert orientation.type == TypeOrientation.LIEU
    assert orientation.statut == StatutOrientation.OUVERTE
    assert orientation.lieu == ctx.lieu and orientation.structure == ctx.ccas
    assert orientation.prescripteur == ctx.prescripteur and orientation.cree_le == FROZEN_AT
    [destinataire] = orientation.destinataires.all()
    assert destinataire.lieu == ctx.lieu
    assert destinataire.lien_expire_le == FROZEN_AT + datetime.timedelta(days=8)
    assert destinataire.lien_envoye_a == "lieu1@example.org"
    [email] = emails("orientation.nouvelle")
    assert email.destinataire == "lieu1@example.org"
    assert orientations.link_url(destinataire) in email.texte
    assert orientation.inscription is None


def test_to_a_theme_every_place_with_an_upcoming_session_receives_it(ctx):
    # Not receiving it: a place whose session of the theme is over, one whose session is
    # cancelled, a closed place, a place of a closed structure, a place with another theme.
    passee = LieuFactory(structure=StructureFactory(), courriels="passee@example.org")
    SessionFactory(lieu=passee, theme=ctx.theme, debut=FROZEN_AT - JOUR, fin=FROZEN_AT - JOUR / 2)
    annulee = LieuFactory(structure=StructureFactory(), courriels="annulee@example.org")
    SessionFactory(lieu=annulee, theme=ctx.theme, statut=StatutSession.ANNULEE)
    fermee = LieuFactory(structure=StructureFactory(), actif=False)
    SessionFactory(lieu=fermee, theme=ctx.theme)
    SessionFactory(lieu=LieuFactory(structure=StructureFactory(active=False)), theme=ctx.theme)
    SessionFactory(lieu=LieuFactory(structure=StructureFactory()), theme=ThemeFactory())

    orientation = orient_to_theme(ctx)
    assert orientation.type == TypeOrientation.THEME and orientation.theme == ctx.theme
    assert orientation.lieu is None and orientation.session is None
    assert {d.lieu for d in orientation.destinataires.all()} == set(ctx.lieux)
    assert sorted(e.destinataire for e in emails("orientation.nouvelle")) == [
        "lieu1@example.org",
        "lieu2@example.org",
    ]


def test_to_a_session_the_registration_is_made_and_linked(ctx):
    orientation = orient_to_session(ctx)
    assert orientation.type == TypeOrientation.SESSION
    assert orientation.session == ctx.session and orientation.lieu == ctx.lieu
    assert orientation.theme == ctx.theme
    inscription = orientation.inscription
    assert inscription.session == ctx.session and inscription.beneficiaire == ctx.personne
    assert inscription.statut == StatutInscription.INSCRIT and inscription.canal == Canal.PRO
    assert Session.objects.get(pk=ctx.session.pk).nb_inscrits == 1
    assert [d.lieu for d in orientation.destinataires.all()] == [ctx.lieu]


def test_to_a_full_session_the_person_waits(ctx):
    fill_session(ctx, ctx.session)
    orientation = orient_to_session(ctx)
    assert orientation.inscription.statut == StatutInscription.EN_ATTENTE
    assert orientation.inscription.rang_attente == 1


def test_a_refused_registration_writes_nothing(ctx):
    Session.objects.filter(pk=ctx.session.pk).update(statut=StatutSession.ANNULEE)
    ctx.session.refresh_from_db()
    refused("session_annulee", orient_to_session, ctx)
    assert not Orientation.objects.exists() and not Destinataire.objects.exists()
    assert not emails("orientation.nouvelle")


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.PRESCRIPTEUR])
def test_only_who_follows_the_file_orients(ctx, role):
    ailleurs = member(role, StructureFactory())
    with pytest.raises(PermissionDenied):
        orientations.orient(
            acteur=ailleurs,
            beneficiaire=ctx.personne,
            type=TypeOrientation.LIEU,
            lieu=ctx.lieu,
            besoin="Un e-mail",
        )
    assert not Orientation.objects.exists()


def test_a_volontaire_does_not_orient(ctx):
    volontaire = member(Role.VOLONTAIRE, ctx.ccas)
    with pytest.raises(PermissionDenied):
        orientations.orient(
            acteur=volontaire,
            beneficiaire=ctx.personne,
            type=TypeOrientation.LIEU,
            lieu=ctx.lieu,
            besoin="Un e-mail",
        )


@pytest.mark.parametrize(
    ("champs", "code"),
    [
        ({"besoin": "x" * 301}, "besoin_trop_long"),
        ({"besoin": "   ", "thematiques": []}, "besoin_requis"),
        ({"thematiques": ["horoscope"]}, "thematique_inconnue"),
        ({"contact_prefere": "pigeon"}, "contact_inconnu"),
    ],
)
def test_what_is_said_about_the_need_is_checked(ctx, champs, code):
    error = refused(code, orient_to_place, ctx, **champs)
    assert error.error_dict  # shown next to its field
    assert not Orientation.objects.exists() and not OutgoingEmail.objects.exists()


def test_three_hundred_characters_are_enough(ctx):
    orientation = orient_to_place(ctx, besoin="x" * 300, thematiques=[])
    assert len(orientation.besoin) == 300


@pytest.mark.parametrize(
    "champs",
    [{"prevenir_sms": True}, {"contact_prefere": ContactPrefere.SMS, "prevenir_sms": False}],
)
@pytest.mark.parametrize(
    "personne",
    [
        {"avec_mobile": True},  # a mobile, no consent
        {"avec_fixe": True},  # a landline (consent needs a mobile: a constraint)
        {},  # no number
    ],
)
def test_sms_only_with_a_mobile_and_consent(ctx, champs, personne):
    ctx.personne = BeneficiaireFactory(structure=ctx.ccas, **personne)
    refused("sms_impossible", orient_to_place, ctx, **champs)
    assert not Orientation.objects.exists()


def test_the_diagnostic_must_be_the_persons(ctx):
    autre = BeneficiaireFactory(structure=ctx.ccas)
    diagnostic = Diagnostic.objects.create(
        beneficiaire=autre, structure=ctx.ccas, auteur=ctx.prescripteur, date=FROZEN_AT.date()
    )
    refused("diagnostic_autre_personne", orient_to_place, ctx, diagnostic=diagnostic)
    assert not Orientation.objects.exists()
    own = Diagnostic.objects.create(
        beneficiaire=ctx.personne, structure=ctx.ccas, auteur=ctx.prescripteur, date=FROZEN_AT
    )
    assert orient_to_place(ctx, diagnostic=own).diagnostic == own


def test_an_unknown_or_closed_theme_is_refused(ctx):
    refused("theme_requis", orientations.orient, **_theme_request(ctx, None))
    ctx.theme.actif = False
    ctx.theme.save(update_fields=["actif"])
    refused("theme_requis", orientations.orient, **_theme_request(ctx, ctx.theme))
    assert not Orientation.objects.exists()


def test_a_theme_without_upcoming_session_anywhere(ctx):
    theme = ThemeFactory()
    SessionFactory(lieu=ctx.lieu, theme=theme, debut=FROZEN_AT - JOUR, fin=FROZEN_AT - JOUR / 2)
    refused("aucun_lieu", orientations.orient, **_theme_request(ctx, theme))
    assert not Orientation.objects.exists()


def test_a_place_must_be_open(ctx):
    refused("lieu_requis", orient_to_place, ctx, lieu=LieuFactory(actif=False))
    assert not Orientation.objects.exists()


def _theme_request(ctx, theme):
    return {
        "acteur": ctx.prescripteur,
        "beneficiaire": ctx.personne,
        "type": TypeOrientation.THEME,
        "theme": theme,
        "besoin": "Un e-mail",
    }


def test_the_journal_keeps_ids_never_the_free_text(ctx):
    orientation = orient_to_place(ctx, besoin="Elle a 3 enfants et pas de PC, tél 0612345678")
    [ligne] = Journal.objects.filter(action="orientation.creation")
    assert ligne.acteur == ctx.prescripteur and ligne.structure == ctx.ccas
    assert ligne.objet_type == "mediation.orientation" and ligne.objet_id == str(orientation.pk)
    assert ligne.details == {
        "beneficiaire": ctx.personne.pk,
        "type": "lieu",
        "lieux": [ctx.lieu.pk],
        "diagnostic": None,
        "inscription": None,
    }
    texte = json.dumps(ligne.details)
    for secret in ("enfants", "0612345678", ctx.personne.prenom, str(ctx.personne.telephone)):
        assert secret not in texte


def test_every_journal_line_of_a_life_is_ids_and_codes(ctx):
    orientation = orient_to_theme(ctx, besoin="Sa fille l'aide parfois")
    decline(acces=acces_of(orientation, ctx.mediateurs[0]), motifs=["autre"], message="Motif X")
    accept(
        acces=acces_of(orientation, ctx.mediateurs[1]),
        rdv_le=FROZEN_AT + 2 * JOUR,
        rdv_lieu="Salle du fond",
        a_apporter="Carte Vitale",
    )
    lignes = Journal.objects.filter(action__startswith="orientation.")
    assert {ligne.action for ligne in lignes} == {
        "orientation.creation",
        "orientation.refus_lieu",
        "orientation.acceptation",
    }
    for ligne in lignes:
        texte = json.dumps(ligne.details)
        for secret in ("fille", "Motif X", "Salle du fond", "Vitale", ctx.personne.prenom):
            assert secret not in texte


def test_orienting_touches_the_persons_activity(ctx):
    with time_machine.travel(FROZEN_AT + 3 * JOUR, tick=False):
        orient_to_place(ctx)
    ctx.personne.refresh_from_db()
    assert ctx.personne.derniere_activite == FROZEN_AT + 3 * JOUR


# --- The espace pro door ---------------------------------------------------------------------


def test_the_receiving_places_mediateur_gets_the_pro_door(ctx):
    orientation = orient_to_place(ctx)
    acces = acces_of(orientation, ctx.mediateur)
    assert acces.acteur == ctx.mediateur and acces.via == Via.PRO
    assert acces.orientation == orientation


@pytest.mark.parametrize("who", ["autre_mediateur", "prescripteur", "coordinateur"])
def test_nobody_else_gets_the_pro_door(ctx, who):
    orientation = orient_to_place(ctx)
    user = {
        "autre_mediateur": ctx.mediateurs[1],
        "prescripteur": ctx.prescripteur,
        "coordinateur": member(Role.COORDINATEUR),
    }[who]
    destinataire = orientation.destinataires.get()
    with pytest.raises(PermissionDenied):
        orientations.acces_pro(user, destinataire)


def test_a_prescripteur_of_the_receiving_structure_does_not_decide(ctx):
    orientation = orient_to_place(ctx)
    prescripteur = member(Role.PRESCRIPTEUR, ctx.lieu.structure)
    with pytest.raises(PermissionDenied):
        orientations.acces_pro(prescripteur, orientation.destinataires.get())


# --- The signed link -------------------------------------------------------------------------


def test_a_valid_link_opens_without_an_account(ctx):
    orientation = orient_to_place(ctx)
    destinataire = orientation.destinataires.get()
    uuid, signature = link_parts(destinataire)
    acces = check_link(uuid=uuid, signature=signature)
    assert acces.destinataire == destinataire and acces.acteur is None and acces.via == Via.LIEN


def test_any_single_character_changed_breaks_the_link(ctx):
    destinataire = orient_to_place(ctx).destinataires.get()
    uuid, signature = link_parts(destinataire)
    assert len(signature) == 64
    for i, c in enumerate(signature):
        for other in {"0", "f", c.upper()} - {c}:
            tampered = signature[:i] + other + signature[i + 1 :]
            with pytest.raises(LienRefuse) as info:
                check_link(uuid=uuid, signature=tampered)
            assert info.value.code == "altere" and info.value.destinataire is None
    for bad in ("", None, signature[:-1], signature + "0", signature[::-1]):
        with pytest.raises(LienRefuse):
            check_link(uuid=uuid, signature=bad)


def test_another_places_signature_does_not_open(ctx):
    orientation = orient_to_theme(ctx)
    d1, d2 = orientation.destinataires.order_by("pk")
    with pytest.raises(LienRefuse):
        check_link(uuid=link_parts(d1)[0], signature=link_parts(d2)[1])


@pytest.mark.parametrize(
    "uuid", ["6f1c1e52-6a4e-4b8e-9e0a-2b7f0c2f1a11", "pas-un-uuid", "", "1' OR 1=1 --", None]
)
def test_an_unknown_or_garbage_uuid_is_tampered(ctx, uuid):
    destinataire = orient_to_place(ctx).destinataires.get()
    with pytest.raises(LienRefuse) as info:
        check_link(uuid=uuid, signature=link_parts(destinataire)[1])
    assert info.value.code == "altere"


def test_the_signature_is_compared_in_constant_time(ctx):
    destinataire = orient_to_place(ctx).destinataires.get()
    uuid, signature = link_parts(destinataire)
    with mock.patch.object(
        orientations, "constant_time_compare", wraps=crypto.constant_time_compare
    ) as compare:
        check_link(uuid=uuid, signature=signature)
        with pytest.raises(LienRefuse):
            check_link(uuid=uuid, signature="0" * 64)
    assert compare.call_count == 2
    assert compare.call_args_list[0].args == (signature, signature)


def test_the_link_expires_at_exactly_eight_days(ctx):
    destinataire = orient_to_place(ctx).destinataires.get()
    uuid, signature = link_parts(destinataire)
    juste_avant = FROZEN_AT + datetime.timedelta(days=8, seconds=-1)
    assert check_link(uuid=uuid, signature=signature, now=juste_avant)
    with time_machine.travel(FROZEN_AT + datetime.timedelta(days=8), tick=False):
        with pytest.raises(LienRefuse) as info:
            check_link(uuid=uuid, signature=signature)
    assert info.value.code == "expire" and info.value.destinataire == destinataire


def test_a_new_link_replaces_the_old_one(ctx):
    destinataire = orient_to_place(ctx).destinataires.get()
    old = link_parts(destinataire)
    later = FROZEN_AT + datetime.timedelta(days=9)
    with time_machine.travel(later, tick=False):
        assert send_new_link(destinataire=destinataire) is True
        destinataire.refresh_from_db()
        assert destinataire.generation == 1
        assert destinataire.lien_expire_le == later + datetime.timedelta(days=8)
        new = link_parts(destinataire)
        assert check_link(uuid=new[0], signature=new[1]).destinataire == destinataire
        with pytest.raises(LienRefuse) as info:
            check_link(uuid=old[0], signature=old[1])
        assert info.value.code == "altere"
    [email] = emails("orientation.nouveau_lien")
    assert email.destinataire == "lieu1@example.org" and new[1] in email.texte
    assert Journal.objects.filter(action="orientation.nouveau_lien").count() == 1


def test_a_new_link_is_sent_at_most_once_an_hour(ctx):
    destinataire = orient_to_place(ctx).destinataires.get()
    assert send_new_link(destinataire=destinataire) is False  # the first was just sent
    presque = FROZEN_AT + datetime.timedelta(minutes=59)
    assert send_new_link(destinataire=destinataire, now=presque) is False
    une_heure = FROZEN_AT + datetime.timedelta(hours=1)
    assert send_new_link(destinataire=destinataire, now=une_heure) is True
    assert send_new_link(destinataire=destinataire, now=une_heure) is False
    assert (
        send_new_link(destinataire=destinataire, now=une_heure + datetime.timedelta(minutes=30))
        is False
    )
    assert len(emails("orientation.nouveau_lien")) == 1
    destinataire.refresh_from_db()
    assert destinataire.generation == 1


# --- cancel() --------------------------------------------------------------------------------


def test_the_prescripteur_cancels_with_a_reason_and_the_places_are_told(ctx):
    orientation = orient_to_theme(ctx)
    decline(acces=acces_of(orientation, ctx.mediateurs[0]), motifs=["non_mobile"])
    orientation = orientations.cancel(
        acteur=ctx.prescripteur, orientation=orientation, motif="  Elle a trouvé ailleurs  "
    )
    assert orientation.statut == StatutOrientation.ANNULEE
    assert orientation.annule_le == FROZEN_AT and orientation.annule_par == ctx.prescripteur
    assert orientation.motif_annulation == "Elle a trouvé ailleurs"
    # The place that refused is not bothered again.
    assert [e.destinataire for e in emails("orientation.annulation")] == ["lieu2@example.org"]
    [ligne] = Journal.objects.filter(action="orientation.annulation")
    assert "trouvé" not in json.dumps(ligne.details)


def test_an_accepted_orientation_may_still_be_cancelled(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=acces_of(orientation, ctx.mediateur), rdv_le=FROZEN_AT + 2 * JOUR)
    orientation = orientations.cancel(acteur=ctx.prescripteur, orientation=orientation, motif="x")
    assert orientation.statut == StatutOrientation.ANNULEE


@pytest.mark.parametrize(
    ("motif", "code"),
    [
        ("", "motif_requis"),
        ("   ", "motif_requis"),
        (None, "motif_requis"),
        ("x" * 201, "motif_trop_long"),
    ],
)
def test_a_cancellation_needs_a_short_reason(ctx, motif, code):
    orientation = orient_to_place(ctx)
    refused(
        code, orientations.cancel, acteur=ctx.prescripteur, orientation=orientation, motif=motif
    )
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.OUVERTE


@pytest.mark.parametrize("fin", ["annulee", "refusee", "terminee", "expiree"])
def test_what_is_over_cannot_be_cancelled(ctx, fin):
    orientation = orient_to_place(ctx)
    Orientation.objects.filter(pk=orientation.pk).update(statut=fin, decide_le=FROZEN_AT)
    refused(
        "close", orientations.cancel, acteur=ctx.prescripteur, orientation=orientation, motif="x"
    )
    assert not emails("orientation.annulation")


def test_only_the_sending_side_cancels(ctx):
    orientation = orient_to_place(ctx)
    for user in (ctx.mediateur, member(Role.PRESCRIPTEUR, StructureFactory())):
        with pytest.raises(PermissionDenied):
            orientations.cancel(acteur=user, orientation=orientation, motif="x")


# --- remind() --------------------------------------------------------------------------------


def test_a_reminder_by_hand_at_most_once_a_day(ctx):
    orientation = orient_to_theme(ctx)
    decline(acces=acces_of(orientation, ctx.mediateurs[0]), motifs=["non_mobile"])
    before = link_parts(orientation.destinataires.get(lieu=ctx.lieux[1]))
    orientations.remind(acteur=ctx.prescripteur, orientation=orientation)
    # Only the place that has not refused, with a fresh link.
    [email] = emails("orientation.relance_manuelle")
    assert email.destinataire == "lieu2@example.org"
    d2 = orientation.destinataires.get(lieu=ctx.lieux[1])
    assert d2.generation == 1 and link_parts(d2)[1] in email.texte
    with pytest.raises(LienRefuse):
        check_link(uuid=before[0], signature=before[1])
    orientation.refresh_from_db()
    assert orientation.relance_le == FROZEN_AT

    presque = FROZEN_AT + JOUR - datetime.timedelta(minutes=1)
    refused(
        "relance_recente",
        orientations.remind,
        acteur=ctx.prescripteur,
        orientation=orientation,
        now=presque,
    )
    orientations.remind(acteur=ctx.prescripteur, orientation=orientation, now=FROZEN_AT + JOUR)
    assert len(emails("orientation.relance_manuelle")) == 2
    assert Journal.objects.filter(action="orientation.relance_manuelle").count() == 2


def test_no_reminder_once_decided(ctx):
    orientation = orient_to_place(ctx)
    accept(acces=acces_of(orientation, ctx.mediateur), rdv_le=FROZEN_AT + 2 * JOUR)
    refused("pas_en_attente", orientations.remind, acteur=ctx.prescripteur, orientation=orientation)
    assert not emails("orientation.relance_manuelle")


def test_a_reminder_while_taken_into_account_is_allowed(ctx):
    from mediation.services.orientations_decision import take_into_account

    orientation = orient_to_place(ctx)
    take_into_account(acces=acces_of(orientation, ctx.mediateur))
    orientations.remind(acteur=ctx.prescripteur, orientation=orientation)
    assert len(emails("orientation.relance_manuelle")) == 1


def test_only_the_sending_side_reminds(ctx):
    orientation = orient_to_place(ctx)
    with pytest.raises(PermissionDenied):
        orientations.remind(acteur=ctx.mediateur, orientation=orientation)


def test_registrations_made_through_orient_are_the_prescripteurs(ctx):
    orientation = orient_to_session(ctx)
    assert Inscription.objects.get().inscrit_par == ctx.prescripteur
    assert orientation.thematiques == [Thematique.EMAIL]
    assert timezone.is_aware(orientation.cree_le)
