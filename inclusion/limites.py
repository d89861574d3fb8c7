"""Rate limits kept in the Django cache (shared by every process when the cache is Redis).

A counter is created with `cache.add` then raised with `cache.incr`: two processes never
overwrite each other's count. The public journeys (cms) and the forgotten-password form use
them; the client's address they are keyed on comes from inclusion.client_ip.
"""

from django.core.cache import cache

HEURE = 60 * 60


class Limite:
    """At most `maximum` events per `fenetre` seconds for one key (an address, a number)."""

    espace = "inclusion"  # prefix of the cache keys

    def __init__(self, nom, maximum, fenetre):
        self.nom = nom
        self.maximum = maximum
        self.fenetre = fenetre

    def cle(self, valeur):
        return f"{self.espace}:limite:{self.nom}:{valeur}"

    def compte(self, valeur):
        return cache.get(self.cle(valeur), 0)

    def atteinte(self, valeur):
        return self.compte(valeur) >= self.maximum

    def record(self, valeur):
        cle = self.cle(valeur)
        cache.add(cle, 0, timeout=self.fenetre)
        try:
            return cache.incr(cle)
        except ValueError:  # expired between add and incr
            cache.set(cle, 1, timeout=self.fenetre)
            return 1
