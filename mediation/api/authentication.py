"""`Authorization: Bearer <token>` for the funders' endpoint, and the API's rate limits."""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from inclusion.client_ip import client_ip
from mediation.services import jetons_api

REALM = 'Bearer realm="api"'


class ClientApi:
    """Who calls with a valid token: a funder's tool, not a person (no user account)."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, jeton):
        self.jeton = jeton
        self.pk = None

    def __str__(self):
        return str(self.jeton)


def _refus(code, message):
    return exceptions.AuthenticationFailed({"detail": message, "code": code})


class JetonAuthentication(BaseAuthentication):
    """Reads the Bearer token; no header at all is left to the permission (401 too)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() != b"bearer":
            raise _refus("schema_inconnu", "Utilisez l'en-tête « Authorization: Bearer <jeton> ».")
        if len(parts) != 2:
            raise _refus(
                "jeton_mal_forme", "L'en-tête doit être « Authorization: Bearer <jeton> »."
            )
        try:
            clear = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise _refus("jeton_inconnu", "Jeton inconnu.") from None
        try:
            jeton = jetons_api.authenticate_jeton(clear)
        except jetons_api.JetonRefuse as refus:
            raise _refus(refus.code, refus.message) from None
        return ClientApi(jeton), jeton

    def authenticate_header(self, request):
        return REALM


class _Throttle(SimpleRateThrottle):
    """The rate is read at each request (DRF reads it once at import): settings can change
    it, tests too."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)


class PublicThrottle(_Throttle):
    """The public part: per client address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class JetonThrottle(_Throttle):
    """The funders' endpoint: per token (per address before a token is known)."""

    scope = "jeton"

    def get_cache_key(self, request, view):
        jeton = getattr(request, "auth", None)
        ident = f"jeton-{jeton.pk}" if jeton is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
