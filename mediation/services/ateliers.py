"""Journey 2, "Trouver un atelier": upcoming sessions by day, theme or quartier, and
registering the person in front of the volunteer."""

import datetime
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from ateliers.enums import Canal, StatutInscription, StatutSession
from ateliers.models import Inscription, Session, Theme
from ateliers.services import registrations
from ateliers.services.rappels import texte as texte_rappel
from inclusion.enums import ModeConsentement, TypeTelephone
from inclusion.models import Beneficiaire, Quartier
from inclusion.services.beneficiaires import touch_activity
from inclusion.services.journal import write_journal
from inclusion.services.telephones import parse_phone
from inclusion.sms import send_sms


def horizon():
    return datetime.timedelta(days=int(getattr(settings, "KIOSQUE_JOURS_ATELIERS", 21)))


def sessions_ouvertes(now=None):
    """Planned sessions not started yet, within the horizon (public information)."""
    now = now or timezone.now()
    return Session.objects.filter(
        statut=StatutSession.PLANIFIEE,
        debut__gt=now,
        debut__lt=now + horizon(),
        lieu__actif=True,
    )


def sessions_a_venir(*, jour=None, theme=None, quartier=None, now=None, limite=30):
    """The list screen: a constant number of queries whatever the number of rows."""
    qs = sessions_ouvertes(now).select_related("theme", "lieu", "lieu__commune")
    if jour is not None:
        qs = qs.filter(debut__date=jour)
    if theme is not None:
        qs = qs.filter(theme=theme)
    if quartier is not None:
        qs = qs.filter(lieu__quartier=quartier)
    qs = qs.annotate(
        nb_attente=Count(
            "inscriptions", filter=Q(inscriptions__statut=StatutInscription.EN_ATTENTE)
        )
    )
    return list(qs.order_by("debut", "pk")[:limite])


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
        .annotate(
            nb_attente=Count(
                "inscriptions", filter=Q(inscriptions__statut=StatutInscription.EN_ATTENTE)
            )
        )
        .filter(pk=pk)
        .first()
    )


def _pli(texte):
    """Lower case, no accents, single spaces: to compare first names."""
    texte = unicodedata.normalize("NFKD", texte or "")
    return " ".join("".join(c for c in texte if not unicodedata.combining(c)).lower().split())


def _personne(*, acteur, lieu, prenom, telephone, consentement_sms, now):
    """The person to register: an existing file only when it is surely the same person and
    nothing of it would change, else a new minimal file. Nothing of an existing file is ever
    shown at the kiosk.

    Reused silently: same mobile number AND same first name (case and accents ignored) AND
    the same SMS consent as just given aloud. Otherwise a new file is created for the
    kiosk's structure (first name, mobile, consent "à l'oral" recorded by the volunteer);
    the structure's prescripteurs may merge duplicates later. The opt-out list is kept per
    number, so a new file never gets around a STOP.
    """
    tel = parse_phone(telephone) if telephone else None
    if tel is not None and tel.type != TypeTelephone.MOBILE:
        raise ValidationError(
            {
                "telephone": "Ce numéro est un fixe. Indiquez un numéro de mobile (06 ou 07), "
                "ou laissez vide."
            }
        )
    if consentement_sms and tel is None:
        raise ValidationError(
            {"consentement_sms": "Pour recevoir des SMS, indiquez un numéro de mobile."}
        )
    if tel is not None:
        for candidat in Beneficiaire.objects.filter(
            telephone=tel.e164, consentement_sms=consentement_sms
        ).order_by("pk")[:20]:
            if _pli(candidat.prenom) == _pli(prenom):
                return candidat, False
    beneficiaire = Beneficiaire(
        structure=lieu.structure,
        cree_par=acteur,
        prenom=prenom.strip(),
        telephone=tel.e164 if tel else "",
        type_telephone=tel.type if tel else TypeTelephone.AUCUN,
    )
    if consentement_sms:
        beneficiaire.consentement_sms = True
        beneficiaire.consentement_sms_le = now
        beneficiaire.consentement_sms_par = acteur
        beneficiaire.consentement_sms_mode = ModeConsentement.ORAL
    beneficiaire.full_clean()
    beneficiaire.save()
    write_journal(
        acteur=acteur,
        action="beneficiaire.creation",
        objet=beneficiaire,
        structure=lieu.structure,
        details={"consentement_sms": consentement_sms, "canal": Canal.KIOSQUE, "lieu": lieu.pk},
    )
    return beneficiaire, True


MESSAGE_REFUS = (
    "Cette personne ne peut pas être inscrite à cette session (elle y est peut-être déjà, "
    "ou a un autre atelier à la même heure). Proposez une autre session, ou appelez le "
    "numéro d'aide."
)


def inscrire(*, acteur, lieu, session, prenom, telephone="", consentement_sms=False, now=None):
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
            texte = " ".join(error.messages)
            if texte.startswith("Cette session"):
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


def envoyer_rappel(*, acteur, inscription, now=None):
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
