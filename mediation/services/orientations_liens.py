"""The delays of orientations and the receiving place's signed link, on their own: the
notifications (orientations_avis) need them, and orientations.py needs the notifications, so
they live below both (no import cycle)."""

import datetime

from django.urls import reverse
from django.utils.crypto import salted_hmac

VALIDITE_LIEN = datetime.timedelta(days=8)
DELAI_EXPIRATION = datetime.timedelta(days=30)
RELANCES = (datetime.timedelta(days=10), datetime.timedelta(days=20))
FENETRE_CORRECTION = datetime.timedelta(days=7)


def signature(destinataire):
    """The link's signature: HMAC of the place's uuid, the link's generation and its expiry
    (re-issuing changes both, so older links stop working)."""
    expiry = int(destinataire.lien_expire_le.timestamp())
    valeur = f"{destinataire.uuid}:{destinataire.generation}:{expiry}"
    return salted_hmac("mediation.orientations.lien", valeur, algorithm="sha256").hexdigest()


def link_url(destinataire):
    """The path of the place's link (absolute_url() makes it clickable from a mailbox)."""
    path = reverse("orientation_lien:page", args=[destinataire.uuid])
    return f"{path}?h={signature(destinataire)}"
