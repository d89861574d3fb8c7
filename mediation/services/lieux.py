"""Journey 3, "Trouver un lieu d'aide": places open now or soon, nearest first."""

import math
from dataclasses import dataclass

from django.utils import formats, timezone

from inclusion import mots_du_temps
from inclusion.enums import ServiceMediation
from inclusion.horaires import ouvert_maintenant, prochaine_ouverture
from inclusion.models import Lieu

# Pictograms (names of ateliers.pictogrammes) for the national standard's services.
PICTOS_SERVICES = {
    ServiceMediation.DEMARCHES: "building-library",
    ServiceMediation.QUOTIDIEN: "device-phone-mobile",
    ServiceMediation.INSERTION: "briefcase",
    ServiceMediation.SECURITE: "shield-check",
    ServiceMediation.PARENTALITE: "users",
    ServiceMediation.LOISIRS: "paint-brush",
    ServiceMediation.COMPREHENSION: "academic-cap",
    ServiceMediation.ACCES: "wifi",
    ServiceMediation.MATERIEL: "computer-desktop",
}
RAYON_TERRE_M = 6_371_000


def distance_m(a, b):
    """Haversine distance in metres between two lieux with coordinates, else None."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = (
        math.radians(float(v)) for v in (a.latitude, a.longitude, b.latitude, b.longitude)
    )
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * RAYON_TERRE_M * math.asin(math.sqrt(h))


def distance_en_mots(metres):
    if metres is None:
        return ""
    if metres < 50:
        return "ici, ou tout près"
    if metres < 1000:
        return f"à {int(round(metres, -1))} m"
    km = formats.number_format(round(metres / 1000, 1), decimal_pos=1)
    return f"à {km} km"


def ouverture_en_mots(ouvert, prochaine, now):
    """The kiosk's line: "Ouvert maintenant", "Ouvre demain à 9 h" (the socle's words, as on
    the public site), or "Horaires à demander"."""
    if ouvert:
        return "Ouvert maintenant"
    if prochaine is None:
        return "Horaires à demander"
    return mots_du_temps.ouverture_en_mots(prochaine, now=now)


@dataclass
class LieuProche:
    lieu: Lieu
    distance: float | None
    distance_mots: str
    ouvert: bool
    ouverture: str
    services: list  # [(pictogram name, label)]
    ici: bool


def services_du_lieu(lieu):
    labels = dict(ServiceMediation.choices)
    return [(PICTOS_SERVICES.get(s, "computer-desktop"), labels.get(s, s)) for s in lieu.services]


def lieux_proches(*, ici, ouverts_seulement=False, now=None, limite=12):
    """Active lieux, nearest first (haversine from the kiosk's lieu when both have
    coordinates; else the same commune first, then by name). One query."""
    now = now or timezone.now()
    rows = []
    for lieu in Lieu.objects.filter(actif=True, structure__active=True).select_related("commune"):
        ouvert = bool(ouvert_maintenant(lieu.horaires, now))
        if ouverts_seulement and not ouvert:
            continue
        d = distance_m(ici, lieu)
        rows.append((lieu, d, ouvert))

    def cle(row):
        lieu, d, ouvert = row
        if lieu.pk == ici.pk:
            return (0, 0, "")
        if d is not None:
            return (1, d, lieu.nom)
        return (2 if lieu.commune_id == ici.commune_id else 3, 0, lieu.nom)

    rows.sort(key=cle)
    result = []
    for lieu, d, ouvert in rows[:limite]:
        prochaine = None if ouvert else prochaine_ouverture(lieu.horaires, now)
        result.append(
            LieuProche(
                lieu=lieu,
                distance=d,
                distance_mots="Vous y êtes" if lieu.pk == ici.pk else distance_en_mots(d),
                ouvert=ouvert,
                ouverture=ouverture_en_mots(ouvert, prochaine, now),
                services=services_du_lieu(lieu),
                ici=lieu.pk == ici.pk,
            )
        )
    return result
