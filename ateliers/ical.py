"""iCal feeds of the workshops, and the médiateurs' private calendar tokens.

- One public feed per lieu: its sessions of the next 90 days, no personal data at all.
- One private feed per médiateur, behind a random revocable token: the sessions they animate
  or that take place in the lieux of their structures. Counts only, never a name.

Times are written in UTC (`DTSTART:20261006T120000Z`), converted from the aware datetimes.
"""

import datetime
import secrets

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from icalendar import Calendar, Event

from ateliers.enums import StatutInscription, StatutSession
from ateliers.models import CalendrierMediateur, Session
from inclusion import perms as socle
from inclusion.enums import Role
from inclusion.services.journal import write_journal

JOURS_LIEU = 90
JOURS_PASSES_MEDIATEUR = 30
JOURS_A_VENIR_MEDIATEUR = 180
PRODID = "-//La plateforme d'inclusion numérique//Ateliers//FR"


# --- Plain-words texts -----------------------------------------------------------------------


def _personnes(n):
    return f"{n} personne{'s' if n > 1 else ''}"


def places_en_clair(session, en_attente=0):
    """ "3 places libres", "1 place libre", "Complet — liste d'attente : 2 personnes"."""
    if session.statut == StatutSession.ANNULEE:
        return "Atelier annulé."
    libres = session.places_libres
    if libres > 1:
        return f"{libres} places libres."
    if libres == 1:
        return "1 place libre."
    if en_attente:
        return f"Complet — liste d'attente : {_personnes(en_attente)}."
    return "Complet."


def adresse_lieu(lieu):
    parties = [lieu.nom, lieu.adresse, lieu.complement_adresse]
    ville = " ".join(
        p for p in (lieu.code_postal, lieu.commune.nom if lieu.commune_id else "") if p
    )
    return ", ".join(p for p in (*parties, ville) if p)


def _description_publique(session):
    lignes = [places_en_clair(session, session.nb_en_attente)]
    if session.statut == StatutSession.ANNULEE:
        lignes.append("Cet atelier n'a pas lieu.")
    lignes.append(session.theme.description_falc)
    lignes.append(f"Public : {session.get_public_display()}.")
    if session.notes_accessibilite:
        lignes.append(f"Accessibilité : {session.notes_accessibilite}")
    if session.theme.avec_cheque:
        lignes.append("Apportez un chèque du pass numérique.")
    return "\n".join(lignes)


def _description_mediateur(session):
    lignes = [
        f"Inscrits : {session.nb_inscrits} sur {session.capacite} places.",
        f"Liste d'attente : {_personnes(session.nb_en_attente)}.",
    ]
    if session.statut == StatutSession.ANNULEE:
        lignes.insert(0, "Atelier annulé.")
        if session.motif_annulation:
            lignes.append(f"Motif : {session.motif_annulation}")
    elif session.statut == StatutSession.TERMINEE:
        lignes.insert(0, f"Atelier terminé : {_personnes(session.nb_presents)} présentes.")
    if session.notes_accessibilite:
        lignes.append(f"Accessibilité : {session.notes_accessibilite}")
    return "\n".join(lignes)


# --- Feeds -----------------------------------------------------------------------------------


def _avec_compteurs(queryset):
    return queryset.select_related("theme", "lieu__commune").annotate(
        nb_en_attente=Count(
            "inscriptions", filter=Q(inscriptions__statut=StatutInscription.EN_ATTENTE)
        ),
        nb_presents=Count("inscriptions", filter=Q(inscriptions__statut=StatutInscription.PRESENT)),
    )


def _calendrier_morceaux(nom, sessions, description, now):
    """The calendar piece by piece: its header, one event a session, its end; together the
    bytes Calendar.to_ical() writes for the whole (a long feed can be streamed)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", nom)
    cal.add("x-wr-timezone", "Europe/Paris")
    fin = b"END:VCALENDAR\r\n"
    yield cal.to_ical().removesuffix(fin)
    stamp = now.astimezone(datetime.UTC)
    for session in sessions:
        event = Event()
        event.add("uid", f"{session.ical_uid}@ateliers")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.debut.astimezone(datetime.UTC))
        event.add("dtend", session.fin.astimezone(datetime.UTC))
        event.add("summary", session.theme.titre_falc)
        event.add("location", adresse_lieu(session.lieu))
        event.add("description", description(session))
        event.add("status", "CANCELLED" if session.statut == StatutSession.ANNULEE else "CONFIRMED")
        yield event.to_ical()
    yield fin


def _calendrier(nom, sessions, description, now):
    return b"".join(_calendrier_morceaux(nom, sessions, description, now))


def sessions_publiques(now=None, **filtres):
    """Planned (and cancelled, so calendars drop them) sessions of the next JOURS_LIEU days:
    what a public feed shows (a place's, the territory's open data)."""
    now = now or timezone.now()
    return Session.objects.filter(
        debut__gte=now,
        debut__lt=now + datetime.timedelta(days=JOURS_LIEU),
        statut__in=(StatutSession.PLANIFIEE, StatutSession.ANNULEE),
        **filtres,
    ).order_by("debut", "pk")


def sessions_lieu(lieu, now=None):
    return _avec_compteurs(sessions_publiques(now, lieu=lieu))


def flux_public_morceaux(nom, sessions, now=None, lire=iter):
    """A public feed of these sessions, piece by piece: seats in words, never a name. `lire`
    reads the sessions (the open data's territory feed reads them a chunk at a time)."""
    now = now or timezone.now()
    return _calendrier_morceaux(nom, lire(_avec_compteurs(sessions)), _description_publique, now)


def flux_public(nom, sessions, now=None):
    """The same feed, whole (a place's feed is short)."""
    return b"".join(flux_public_morceaux(nom, sessions, now))


def flux_lieu(lieu, now=None):
    return flux_public(f"Ateliers — {lieu.nom}", sessions_publiques(now, lieu=lieu), now)


def structures_mediateur(user):
    """Structures where the user is a médiateur (a coordinator role does not widen the feed)."""
    return {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}


def can_have_calendrier(user):
    """Médiateurs get a private calendar of their sessions."""
    return bool(getattr(user, "is_active", False) and structures_mediateur(user))


def sessions_mediateur(user, now=None):
    """Sessions the user animates or held in the lieux of their structures, from 30 days ago
    to 180 days ahead."""
    now = now or timezone.now()
    # A subquery, not a join on animateurs: the counts must not be multiplied.
    animees = Session.animateurs.through.objects.filter(user=user).values("session_id")
    return _avec_compteurs(
        Session.objects.filter(
            Q(pk__in=animees) | Q(lieu__structure_id__in=structures_mediateur(user)),
            debut__gte=now - datetime.timedelta(days=JOURS_PASSES_MEDIATEUR),
            debut__lt=now + datetime.timedelta(days=JOURS_A_VENIR_MEDIATEUR),
        )
    ).order_by("debut")


def flux_mediateur(user, now=None):
    now = now or timezone.now()
    return _calendrier("Mes ateliers", sessions_mediateur(user, now), _description_mediateur, now)


# --- Private tokens --------------------------------------------------------------------------


def nouveau_jeton():
    return secrets.token_urlsafe(32)


def calendrier_actif(token):
    """The active calendar of this token, or None (unknown, revoked, or no longer a médiateur)."""
    calendrier = (
        CalendrierMediateur.objects.select_related("user")
        .filter(token=token, revoque_le__isnull=True)
        .first()
    )
    if calendrier is None or not can_have_calendrier(calendrier.user):
        return None
    return calendrier


@transaction.atomic
def regenerate_calendrier(*, user, now=None):
    """Gives the médiateur a new private URL; the previous one stops working at once."""
    now = now or timezone.now()
    calendrier, _ = CalendrierMediateur.objects.update_or_create(
        user=user, defaults={"token": nouveau_jeton(), "cree_le": now, "revoque_le": None}
    )
    write_journal(acteur=user, action="ateliers.calendrier.creation", objet=calendrier)
    return calendrier


@transaction.atomic
def revoke_calendrier(*, user, now=None):
    """The private URL stops working; a new one can be made later. Returns True if revoked."""
    now = now or timezone.now()
    calendrier = CalendrierMediateur.objects.filter(user=user, revoque_le__isnull=True).first()
    if calendrier is None:
        return False
    CalendrierMediateur.objects.filter(pk=calendrier.pk).update(
        revoque_le=now, token=nouveau_jeton()
    )
    write_journal(acteur=user, action="ateliers.calendrier.revocation", objet=calendrier)
    return True
