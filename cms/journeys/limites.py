"""Rate limits of the public journeys, kept in the Django cache (shared by every process when
the cache is Redis), and the client's address they are keyed on.

A counter is created with `cache.add` then raised with `cache.incr`: two processes never
overwrite each other's count.
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache

HEURE = 60 * 60


def _ip(texte):
    try:
        return ipaddress.ip_address((texte or "").strip())
    except ValueError:
        return None


def _proxies_de_confiance():
    """settings.INCLUSION_TRUSTED_PROXIES: addresses or networks ("10.0.0.0/8") of our own
    reverse proxies. Empty by default: X-Forwarded-For is then never read."""
    reseaux = []
    for item in getattr(settings, "INCLUSION_TRUSTED_PROXIES", ()) or ():
        try:
            reseaux.append(ipaddress.ip_network(str(item).strip(), strict=False))
        except ValueError:
            continue
    return reseaux


def _de_confiance(adresse, reseaux):
    return adresse is not None and any(adresse in reseau for reseau in reseaux)


def client_ip(request):
    """The address the request comes from.

    REMOTE_ADDR, unless it is one of our trusted proxies: then X-Forwarded-For is read from
    the right (the entry our proxy added) and the first address that is not a trusted proxy
    is the client. A client cannot forge its address by sending its own X-Forwarded-For.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    reseaux = _proxies_de_confiance()
    if not reseaux or not _de_confiance(_ip(remote), reseaux):
        return remote
    chaine = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for texte in reversed([p for p in chaine if p]):
        adresse = _ip(texte)
        if adresse is None:
            return remote  # garbage in the header: do not trust any of it
        if not _de_confiance(adresse, reseaux):
            return str(adresse)
    return remote


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
