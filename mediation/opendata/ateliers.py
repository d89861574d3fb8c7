"""Upcoming workshops of the whole territory, as JSON (with seats left) and iCal.

The iCal file is the per-place feed's (ateliers/ical.py), widened to every active place: the
same events, uids and plain-words descriptions. Neither carries a person: counts of seats
only.
"""

import datetime
import json

from django.db.models import Max
from django.utils import timezone

from ateliers import ical
from ateliers.enums import StatutSession
from ateliers.models import Inscription
from mediation.diagnostic_hooks import lien_session_publique
from mediation.opendata import flux

JOURS = ical.JOURS_LIEU  # the same horizon as the per-place feeds: 90 days


def sessions_territoire(now=None):
    """The public feeds' sessions (ateliers.ical.sessions_publiques) at active places."""
    return ical.sessions_publiques(now, lieu__actif=True)


def flux_ical(now=None):
    """The iCal file piece by piece, the sessions read a chunk at a time."""
    return ical.flux_public_morceaux(
        "Ateliers numériques du territoire", sessions_territoire(now), now, lire=flux.rows
    )


def _iso(moment):
    return timezone.localtime(moment).isoformat()


def session_record(session, lien=""):
    lieu = session.lieu
    theme = session.theme
    annulee = session.statut == StatutSession.ANNULEE
    return {
        "id": str(session.ical_uid),
        "titre": theme.titre,
        "titre_facile": theme.titre_falc,
        "description": theme.description_falc,
        "niveau": theme.niveau,
        "thematiques": sorted(theme.thematiques or []),
        "debut": _iso(session.debut),
        "fin": _iso(session.fin),
        "statut": "annulee" if annulee else "planifiee",
        "public": session.public,
        "capacite": session.capacite,
        "places_libres": 0 if annulee else session.places_libres,
        "complet": not annulee and session.places_libres == 0,
        "avec_cheque_pass_numerique": theme.avec_cheque,
        "accessibilite": session.notes_accessibilite or None,
        "lien_inscription": lien or None,
        "lieu": {
            "id": f"lieu-{lieu.uuid}",
            "nom": lieu.nom,
            "adresse": lieu.adresse,
            "complement_adresse": lieu.complement_adresse or None,
            "code_postal": lieu.code_postal,
            "commune": lieu.commune.nom,
            "code_insee": lieu.commune.code_insee,
            "latitude": float(lieu.latitude) if lieu.latitude is not None else None,
            "longitude": float(lieu.longitude) if lieu.longitude is not None else None,
        },
    }


def sessions_json(request=None, now=None):
    """The JSON document, piece by piece (mediation.opendata.flux): when it was made, the
    horizon, and the sessions; the bytes json.dumps(..., indent=1) would write for the whole."""
    now = now or timezone.now()
    entete = {
        "genere_le": _iso(now),
        "jusqu_au": _iso(now + datetime.timedelta(days=JOURS)),
        "licence": "Licence Ouverte / Etalab 2.0",
    }
    text = json.dumps(entete, ensure_ascii=False, indent=1)
    # The header's object left open ("\n}" cut), its last key followed by the sessions.
    yield (text[: -len("\n}")] + ',\n "sessions": ').encode()
    sessions = sessions_territoire(now).select_related("theme", "lieu__commune")
    records = (session_record(s, _lien(request, s)) for s in flux.rows(sessions))
    yield from flux.json_array(records, indent=1, depth=1)
    yield b"\n}"


def _lien(request, session):
    if request is None or session.statut != StatutSession.PLANIFIEE:
        return ""
    lien = lien_session_publique(request, session)
    return request.build_absolute_uri(lien) if lien else ""


def derniere_maj(now=None):
    """The latest change of a session shown: created, cancelled, or a seat taken or freed."""
    now = now or timezone.now()
    sessions = sessions_territoire(now)
    moments = list(sessions.aggregate(a=Max("cree_le"), b=Max("annulee_le")).values()) + list(
        Inscription.objects.filter(session__in=sessions)
        .aggregate(a=Max("inscrit_le"), b=Max("annule_le"), c=Max("promu_le"))
        .values()
    )
    moments = [m for m in moments if m]
    return timezone.localdate(max(moments)) if moments else None
