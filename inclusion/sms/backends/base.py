class BaseBackend:
    """A backend delivers one message and returns the provider's id for it."""

    def send(self, message):  # pragma: no cover - interface
        raise NotImplementedError
