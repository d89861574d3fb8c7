"""How long each kind of personal data is kept, and the purge that enforces it (issue 18).

One copy of each rule: a Delai says what data, for how long (a day count from
settings.INCLUSION_CONSERVATION), after what, what happens then, and why it is kept; its purge
is registered next to it by the layer that holds the data. The purges command
(`manage.py purger_donnees`), the worker's periodic sweep, the public page "Vos données
personnelles" and the README's table all read this list, so they cannot drift apart.

A purge is `purge(now, wet_run) -> {libellé: count}`: idempotent, counting what it would do
without `wet_run`, in batches that never hold a lock long.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Delai:
    cle: str  # stable key: "sms_texte"; also the settings key when `jours` is None
    donnees: str  # "Le texte des SMS envoyés et reçus"
    apres: str  # what the delay counts from: "après l'envoi"
    ensuite: str  # what happens then: "effacé", "anonymisé", "supprimé"
    finalite: str  # why it is kept that long, in plain French
    ordre: int = 100
    jours: int | None = None  # a fixed delay not in settings (e.g. one day for exports)
    heures: int | None = None  # a delay under a day (exports: 24 hours)

    @property
    def nombre_jours(self):
        if self.heures is not None:
            return self.heures / 24
        if self.jours is not None:
            return self.jours
        return settings.INCLUSION_CONSERVATION[self.cle]

    @property
    def duree(self):
        if self.heures is not None:
            return datetime.timedelta(hours=self.heures)
        return datetime.timedelta(days=self.nombre_jours)

    @property
    def duree_en_mots(self):
        return duree_en_mots(self.heures, self.nombre_jours)


def duree_en_mots(heures, jours):
    """24 h → "24 heures", 30 → "30 jours", 92 → "3 mois", 365 → "1 an", 730 → "2 ans"."""
    if heures is not None:
        return f"{heures} heure{'s' if heures > 1 else ''}"
    jours = int(jours)
    if jours % 365 == 0:
        ans = jours // 365
        return f"{ans} an{'s' if ans > 1 else ''}"
    if jours >= 60 and round(jours / 30.5) * 30.5 - 3 <= jours <= round(jours / 30.5) * 30.5 + 3:
        return f"{round(jours / 30.5)} mois"
    return f"{jours} jour{'s' if jours > 1 else ''}"


_delais = {}
_purges = {}


def register(delai, purge=None):
    """Declare a delay, with the purge that enforces it (None: enforced elsewhere, e.g. the
    inactive files' anonymisation, which has its own notice and command)."""
    _delais[delai.cle] = delai
    if purge is not None:
        _purges[delai.cle] = purge


def delais():
    """Every declared delay, in the order of the page and the README."""
    return sorted(_delais.values(), key=lambda d: (d.ordre, d.cle))


def delai(cle):
    return _delais[cle]


def purges():
    """{cle: purge} of the delays that have one, in order."""
    return {d.cle: _purges[d.cle] for d in delais() if d.cle in _purges}


# --- Inactive files: the one rule of when a file is anonymised -----------------------------


def delai_dossier():
    return datetime.timedelta(days=settings.INCLUSION_CONSERVATION["dossier_inactif"])


def preavis():
    return datetime.timedelta(days=settings.INCLUSION_CONSERVATION["preavis_anonymisation"])


def date_anonymisation(derniere_activite, conserver_jusquau=None):
    """The day a file is anonymised (local date): its last activity plus the delay, or the
    day after a prescripteur's "garder encore" when that is later."""
    from django.utils import timezone

    jour = timezone.localdate(derniere_activite + delai_dossier())
    if conserver_jusquau is not None and conserver_jusquau >= jour:
        return conserver_jusquau + datetime.timedelta(days=1)
    return jour


def a_anonymiser(now):
    """Q of the files due for anonymisation at `now` (Beneficiaire): inactive beyond the
    delay, not kept beyond today, not anonymised yet."""
    from django.db.models import Q
    from django.utils import timezone

    today = timezone.localdate(now)
    return Q(anonymise_le__isnull=True, derniere_activite__lt=now - delai_dossier()) & (
        Q(conserver_jusquau__isnull=True) | Q(conserver_jusquau__lt=today)
    )


def bientot_anonymises(now):
    """Q of the files that will be due within the notice (preavis) but are not yet."""
    return a_anonymiser(now + preavis()) & ~a_anonymiser(now)
