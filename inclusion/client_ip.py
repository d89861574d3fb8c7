"""The client's address, read behind our own reverse proxies only.

One copy for every per-address limit: the public journeys' rate limits (cms) and the sign-in
lockout (django-axes, AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


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
