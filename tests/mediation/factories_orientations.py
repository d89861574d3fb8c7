"""A small world for orientations: a prescribing CCAS with a person, and two receiving places
(each of its own structure, with a médiateur and a contact address) that both have an
upcoming session of the same theme."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from ateliers.enums import Thematique
from inclusion.enums import Role
from mediation.enums_orientations import ContactPrefere, TypeOrientation
from mediation.services import orientations
from tests.ateliers.factories import SessionFactory, ThemeFactory
from tests.inclusion.factories import BeneficiaireFactory, LieuFactory, StructureFactory, member


def setup_orientations(capacite=8):
    ccas = StructureFactory(nom="CCAS de Bordeaux", courriel="ccas@example.org")
    prescripteur = member(Role.PRESCRIPTEUR, ccas, first_name="Inès", last_name="Roux")
    personne = BeneficiaireFactory(structure=ccas, prenom="Josiane", consentant=True)
    lieux, mediateurs, sessions = [], [], []
    theme = ThemeFactory()
    for n in (1, 2):
        structure = StructureFactory(nom=f"Espace numérique {n}", courriel=f"epn{n}@example.org")
        lieu = LieuFactory(
            structure=structure, nom=f"Médiathèque {n}", courriels=f"lieu{n}@example.org"
        )
        lieux.append(lieu)
        mediateurs.append(member(Role.MEDIATEUR, structure, first_name=f"Médiateur{n}"))
        debut = timezone.now() + datetime.timedelta(days=3 + n)
        sessions.append(
            SessionFactory(
                lieu=lieu,
                theme=theme,
                debut=debut,
                fin=debut + datetime.timedelta(hours=2),
                capacite=capacite,
            )
        )
    return SimpleNamespace(
        ccas=ccas,
        prescripteur=prescripteur,
        personne=personne,
        theme=theme,
        lieux=lieux,
        lieu=lieux[0],
        mediateurs=mediateurs,
        mediateur=mediateurs[0],
        sessions=sessions,
        session=sessions[0],
    )


def orient_to_place(ctx, lieu=None, **champs):
    values = {
        "thematiques": [Thematique.EMAIL],
        "besoin": "Créer une adresse e-mail",
        "contact_prefere": ContactPrefere.SMS,
        "prevenir_sms": True,
        **champs,
    }
    return orientations.orient(
        acteur=ctx.prescripteur,
        beneficiaire=ctx.personne,
        type=TypeOrientation.LIEU,
        lieu=lieu or ctx.lieu,
        **values,
    )


def orient_to_theme(ctx, **champs):
    values = {"thematiques": [Thematique.EMAIL], "besoin": "", **champs}
    return orientations.orient(
        acteur=ctx.prescripteur,
        beneficiaire=ctx.personne,
        type=TypeOrientation.THEME,
        theme=ctx.theme,
        **values,
    )


def orient_to_session(ctx, session=None, **champs):
    values = {"thematiques": [Thematique.EMAIL], **champs}
    return orientations.orient(
        acteur=ctx.prescripteur,
        beneficiaire=ctx.personne,
        type=TypeOrientation.SESSION,
        session=session or ctx.session,
        **values,
    )


def acces_of(orientation, mediateur, lieu=None):
    """The espace pro door of `mediateur` on `orientation` (at `lieu`, or its only place)."""
    destinataires = orientation.destinataires.select_related("lieu", "orientation")
    if lieu is not None:
        destinataires = destinataires.filter(lieu=lieu)
    return orientations.acces_pro(
        mediateur, destinataires.get(lieu__structure__memberships__user=mediateur)
    )


def link_parts(destinataire):
    """(uuid, signature) of the place's current signed link, as the page receives them."""
    from urllib.parse import parse_qs, urlsplit

    url = urlsplit(orientations.link_url(destinataire))
    return str(destinataire.uuid), parse_qs(url.query)["h"][0]


def fill_session(ctx, session, places=None):
    """Take the session's seats (or `places` of them) with other people of the CCAS."""
    from ateliers.enums import Canal
    from ateliers.services.registrations import register

    for _ in range(session.capacite if places is None else places):
        register(
            session=session,
            beneficiaire=BeneficiaireFactory(structure=ctx.ccas),
            canal=Canal.PRO,
            acteur=ctx.prescripteur,
        )
    session.refresh_from_db()
    return session


def record_with_person(ctx, structure, beneficiaire=None, mediateur=None, date=None):
    """An individual activity record of `structure` with the person (written directly: a
    receiving place's médiateur does not follow the file of the CCAS)."""
    from inclusion.enums import Role as _Role
    from mediation.models import Activite, Participant
    from mediation.vocabulaire import Thematique as ThematiqueCra

    mediateur = mediateur or structure.memberships.filter(role=_Role.MEDIATEUR).first().user
    activite = Activite.objects.create(
        type="individuel",
        mediateur=mediateur,
        structure=structure,
        date=date or timezone.localdate(),
        duree_minutes=30,
        lieu=structure.lieux.first(),
        thematiques=[ThematiqueCra.EMAIL],
    )
    Participant.objects.create(activite=activite, beneficiaire=beneficiaire or ctx.personne)
    return activite
