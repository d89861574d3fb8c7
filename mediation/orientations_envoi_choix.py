"""What the prescripteur chooses from when orienting: the places (what each offers, its hours
in words, open now), the workshop themes with the places that will receive the request and
their next session, the upcoming sessions with their seats. Read-only; a few queries each,
whatever the number of rows."""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Min, Value, When

from ateliers.models import Theme
from inclusion.horaires import horaires_en_clair, ouvert_maintenant, prochaine_ouverture
from inclusion.models import Lieu
from mediation.forms_orientations import (
    filter_lieux,
    filter_sessions,
    lieux_ouverts,
    sessions_ouvertes,
)
from mediation.services.lieux import ouverture_en_mots, services_du_lieu

LIEUX_MAX = 60
SESSIONS_MAX = 40


@dataclass
class CarteLieu:
    lieu: Lieu
    services: list  # [(pictogram, label)]
    horaires: list  # lines in plain French
    ouvert: bool
    ouverture: str  # "Ouvert maintenant", "Ouvre demain à 9 h", "Horaires à demander"
    prochaines: list = field(default_factory=list)  # upcoming sessions of a theme


def carte_lieu(lieu, now):
    ouvert = bool(ouvert_maintenant(lieu.horaires, now))
    prochaine = None if ouvert else prochaine_ouverture(lieu.horaires, now)
    return CarteLieu(
        lieu=lieu,
        services=services_du_lieu(lieu),
        horaires=horaires_en_clair(lieu.horaires),
        ouvert=ouvert,
        ouverture=ouverture_en_mots(ouvert, prochaine, now),
    )


def cartes_lieux(beneficiaire, recherche, now):
    """Active places, those of the person's commune first, then by name: (cards,
    whether some were left out)."""
    qs = filter_lieux(lieux_ouverts(), recherche).select_related("commune")
    if beneficiaire.commune_id:
        qs = qs.annotate(
            ailleurs=Case(
                When(commune_id=beneficiaire.commune_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("ailleurs", "nom", "pk")
    else:
        qs = qs.order_by("nom", "pk")
    lieux = list(qs[: LIEUX_MAX + 1])
    return [carte_lieu(lieu, now) for lieu in lieux[:LIEUX_MAX]], len(lieux) > LIEUX_MAX


def _prochaines(now, theme=None):
    """{(theme_id, lieu_id): first start} of the upcoming planned sessions."""
    qs = sessions_ouvertes(now)
    if theme is not None:
        qs = qs.filter(theme=theme)
    rows = qs.values("theme_id", "lieu_id").annotate(prochaine=Min("debut")).order_by()
    return {(r["theme_id"], r["lieu_id"]): r["prochaine"] for r in rows}


def themes_proposes(now):
    """[(theme, [(lieu, next session start)])]: the active themes some place will receive,
    by title; each theme's places by name. Three queries."""
    prochaines = _prochaines(now)
    themes = Theme.objects.in_bulk({t for t, _ in prochaines})
    lieux = Lieu.objects.select_related("commune").in_bulk({lieu for _, lieu in prochaines})
    par_theme = {}
    for (theme_id, lieu_id), debut in prochaines.items():
        par_theme.setdefault(theme_id, []).append((lieux[lieu_id], debut))
    return [
        (themes[t], sorted(places, key=lambda p: (p[0].nom, p[0].pk)))
        for t, places in sorted(par_theme.items(), key=lambda i: (themes[i[0]].titre, i[0]))
    ]


def lieux_du_theme(theme, now):
    """[(lieu, next session start)] of the places that will receive a theme request (the
    service's lieux_pour_theme, the same places)."""
    from mediation.services.orientations import lieux_pour_theme

    prochaines = _prochaines(now, theme)
    return [
        (lieu, prochaines.get((theme.pk, lieu.pk)))
        for lieu in lieux_pour_theme(theme, now).select_related("commune")
    ]


def sessions_proposees(recherche, now):
    """Upcoming sessions, soonest first, with their seats and waiting list: (sessions,
    whether some were left out)."""
    qs = filter_sessions(sessions_ouvertes(now), recherche).for_display().order_by("debut", "pk")
    sessions = list(qs[: SESSIONS_MAX + 1])
    return sessions[:SESSIONS_MAX], len(sessions) > SESSIONS_MAX
