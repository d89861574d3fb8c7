"""What a dashboard is about: the filters of its URL (shareable, bookmarkable) and the
viewer's scope. Every section function takes both: `section(filtres, portee)`."""

import datetime
from dataclasses import dataclass, field, replace

from django.utils import timezone

from inclusion import perms as socle
from inclusion.enums import Role
from inclusion.jours import debut_du_jour, debut_du_lendemain
from inclusion.parametres import parse_day, read_param

PARAMETRES = ("du", "au", "commune", "quartier", "structure", "lieu", "programme")


@dataclass(frozen=True)
class Filtres:
    """Local days du..au (both included), and optional ids. Invalid values are dropped."""

    du: datetime.date
    au: datetime.date
    commune: int | None = None
    quartier: int | None = None
    structure: int | None = None
    lieu: int | None = None
    programme: int | None = None

    @property
    def debut(self):
        """The first instant of the period (aware, Paris)."""
        return debut_du_jour(self.du)

    @property
    def fin(self):
        """The first instant after the period."""
        return debut_du_lendemain(self.au)

    def precedente(self):
        """The period of the same length just before, the same other filters: the comparison."""
        jours = (self.au - self.du).days + 1
        return replace(
            self,
            du=self.du - datetime.timedelta(days=jours),
            au=self.du - datetime.timedelta(days=1),
        )

    def query(self):
        """The URL's query of these filters (for links, exports and the share link)."""
        values = {"du": self.du.isoformat(), "au": self.au.isoformat()}
        for key in PARAMETRES[2:]:
            if getattr(self, key) is not None:
                values[key] = str(getattr(self, key))
        return values


def _id(params, key):
    text = read_param(params, key)
    return int(text) if text.isdigit() and len(text) < 10 else None


def parse_filtres(params, today=None):
    """Filtres from a query (QueryDict or dict); by default the last 12 months up to today."""
    today = today or timezone.localdate()
    au = parse_day(read_param(params, "au")) or today
    du = parse_day(read_param(params, "du")) or (au - datetime.timedelta(days=364))
    if du > au:
        du, au = au, du
    if (au - du).days > 366 * 5:  # five years at most: a typo otherwise
        du = au - datetime.timedelta(days=366 * 5)
    return Filtres(du=du, au=au, **{key: _id(params, key) for key in PARAMETRES[2:]})


@dataclass(frozen=True)
class Portee:
    """What the viewer may count. None: the whole territory (coordinators). A médiateur: the
    places of their structures; a prescripteur: their structures' own people and carnets."""

    structures: frozenset | None = None
    role: str = Role.COORDINATEUR
    publique: bool = False  # the share link: aggregates only, counts under 5 masked
    extra: dict = field(default_factory=dict)

    @property
    def territoire(self):
        return self.structures is None


def portee_for(user):
    """The viewer's scope: coordinators the territory, médiateurs their places' structures,
    prescripteurs their structures."""
    if socle.is_coordinateur(user):
        return Portee()
    roles = socle.roles_of(user)
    mediateur = frozenset(sid for sid, role in roles if role == Role.MEDIATEUR)
    if mediateur:
        return Portee(structures=mediateur, role=Role.MEDIATEUR)
    prescripteur = frozenset(sid for sid, role in roles if role == Role.PRESCRIPTEUR)
    return Portee(structures=prescripteur, role=Role.PRESCRIPTEUR)
