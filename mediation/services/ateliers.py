"""Journey 2, "Trouver un atelier": upcoming sessions by day, theme or quartier, and
registering the person in front of the volunteer."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription
from ateliers.models import Inscription, Session, Theme
from ateliers.services import registrations
from ateliers.services.rappels import texte as texte_rappel
from inclusion.enums import ModeConsentement, TypeTelephone
from inclusion.models import Quartier
from inclusion.services.beneficiaires import find_or_create_for_registration, touch_activity
from inclusion.services.telephones import parse_phone
from inclusion.sms import send_sms


def horizon():
    return datetime.timedelta(days=int(getattr(settings, "KIOSQUE_JOURS_ATELIERS", 21)))


def sessions_ouvertes(now=None):
    """Planned sessions not started yet, within the horizon (public information)."""
    now = now or timezone.now()
    return Session.objects.a_venir(now).filter(debut__lt=now + horizon(), lieu__actif=True)


def sessions_a_venir(*, jour=None, theme=None, quartier=None, now=None, limite=30):
    """The list screen: a constant number of queries whatever the number of rows."""
    qs = sessions_ouvertes(now).select_related("theme", "lieu", "lieu__commune")
    if jour is not None:
        qs = qs.filter(debut__date=jour)
    if theme is not None:
        qs = qs.filter(theme=theme)
    if quartier is not None:
        qs = qs.filter(lieu__quartier=quartier)
    return list(qs.with_attente().order_by("debut", "pk")[:limite])


def filtres(now=None):
    """Days, themes and quartiers that have upcoming sessions (three small queries)."""
    base = sessions_ouvertes(now)
    jours = sorted(
        {timezone.localtime(d).date() for d in base.values_list("debut", flat=True)[:500]}
    )
    themes = list(Theme.objects.filter(pk__in=base.values("theme")).order_by("titre_falc"))
    quartiers = list(
        Quartier.objects.filter(pk__in=base.values("lieu__quartier"))
        .select_related("commune")
        .order_by("commune__nom", "nom")
    )
    return {"jours": jours[:14], "themes": themes, "quartiers": quartiers}


def session_ouverte(pk, now=None):
    return (
        sessions_ouvertes(now)
        .select_related("theme", "lieu", "lieu__commune")
        .with_attente()
        .filter(pk=pk)
        .first()
    )


def _personne(*, acteur, lieu, prenom, telephone, consentement_sms, now):
    """The person to register, by the socle's one rule for registrations made where no file
    may be shown (same mobile and first name → that file, silently; else a minimal new file
    for the kiosk's structure, consent given aloud and recorded by the volunteer)."""
    tel = parse_phone(telephone) if telephone else None
    if tel is not None and tel.type != TypeTelephone.MOBILE:
        raise ValidationError(
            {
                "telephone": "Ce numéro est un fixe. Indiquez un numéro de mobile (06 ou 07), "
                "ou laissez vide."
            }
        )
    return find_or_create_for_registration(
        structure=lieu.structure,
        prenom=prenom,
        telephone=tel,
        consentement_sms=consentement_sms,
        mode=ModeConsentement.ORAL,
        canal=Canal.KIOSQUE,
        acteur=acteur,
        now=now,
    )


MESSAGE_REFUS = (
    "Cette personne ne peut pas être inscrite à cette session (elle y est peut-être déjà, "
    "ou a un autre atelier à la même heure). Proposez une autre session, ou appelez le "
    "numéro d'aide."
)


def register_inscription(
    *, acteur, lieu, session, prenom, telephone="", consentement_sms=False, now=None
):
    """Register the person in front of the volunteer (a seat, or the waiting list).

    Returns (inscription, new file created). Raises ValidationError with French messages; a
    refusal about the person's other registrations is phrased without revealing them."""
    now = now or timezone.now()
    prenom = (prenom or "").strip()
    if not prenom:
        raise ValidationError({"prenom": "Indiquez le prénom de la personne."})
    with transaction.atomic():
        beneficiaire, cree = _personne(
            acteur=acteur,
            lieu=lieu,
            prenom=prenom,
            telephone=telephone,
            consentement_sms=consentement_sms,
            now=now,
        )
        try:
            inscription = registrations.register(
                session=session,
                beneficiaire=beneficiaire,
                canal=Canal.KIOSQUE,
                acteur=acteur,
                now=now,
            )
        except ValidationError as error:
            if registrations.refus_de_la_session(error):
                raise
            raise ValidationError(MESSAGE_REFUS) from error
    return inscription, cree


def inscription_du_parcours(pk):
    if not pk:
        return None
    return (
        Inscription.objects.select_related("session__theme", "session__lieu", "beneficiaire")
        .filter(pk=pk, statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE))
        .first()
    )


def send_rappel(*, acteur, inscription, now=None):
    """Text the reminder of the session to the person registered in this journey, through the
    SMS gateway and its central rules (consent, opt-out, send window); at most once."""
    session = inscription.session
    result = send_sms(
        beneficiaire=inscription.beneficiaire,
        body=texte_rappel(inscription, "rappel_48h"),
        kind="rappel_kiosque",
        about=inscription,
        acteur=acteur,
        key=f"rappel_kiosque:{inscription.pk}:{session.debut:%Y%m%d%H%M}",
        event_at=session.debut,
        useless_after=session.debut,
        now=now,
    )
    if result.sent:
        touch_activity(beneficiaire=inscription.beneficiaire, quand=now)
    return result
