"""Rate limits of the public journeys, kept in the Django cache (shared by every process when
the cache is Redis); the client's address they are keyed on comes from inclusion.client_ip.

A counter is created with `cache.add` then raised with `cache.incr`: two processes never
overwrite each other's count.
"""

from django.core.cache import cache

# The client's address lives in the socle (the sign-in lockout reads it too); re-exported here
# for the journeys that call limites.client_ip.
from inclusion.client_ip import client_ip as client_ip

HEURE = 60 * 60


class Limite:
    """At most `maximum` events per `fenetre` seconds for one key (an address, a number)."""

    def __init__(self, nom, maximum, fenetre):
        self.nom = nom
        self.maximum = maximum
        self.fenetre = fenetre

    def cle(self, valeur):
        return f"cms:limite:{self.nom}:{valeur}"

    def compte(self, valeur):
        return cache.get(self.cle(valeur), 0)

    def atteinte(self, valeur):
        return self.compte(valeur) >= self.maximum

    def noter(self, valeur):
        cle = self.cle(valeur)
        cache.add(cle, 0, timeout=self.fenetre)
        try:
            return cache.incr(cle)
        except ValueError:  # expired between add and incr
            cache.set(cle, 1, timeout=self.fenetre)
            return 1


# Codes asked from one address, and sent to one number (send_code_sms adds its daily cap).
CODES_PAR_IP = Limite("codes_ip", 10, HEURE)
CODES_PAR_TELEPHONE = Limite("codes_tel", 3, HEURE)
# Wrong codes typed from one address, whatever the pending registration.
CODES_FAUX_PAR_IP = Limite("codes_faux_ip", 20, HEURE)
