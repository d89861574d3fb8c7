class SmsError(Exception):
    """A provider refused or failed. `code` is the provider's error code, if any."""

    def __init__(self, message, code=""):
        super().__init__(message)
        self.code = str(code or "")


class TransientSmsError(SmsError):
    """Worth retrying later: rate limit (429), provider error (5xx), timeout, network."""


class PermanentSmsError(SmsError):
    """Never retried: invalid number, unsubscribed, blocked, rejected content."""


class BaseBackend:
    """A backend delivers one message and returns the provider's id for it, or raises
    TransientSmsError / PermanentSmsError."""

    def send(self, message):  # pragma: no cover - interface
        raise NotImplementedError
