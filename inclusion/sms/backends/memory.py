import itertools

from inclusion.sms.backends.base import BaseBackend

outbox = []
_ids = itertools.count(1)


class MemoryBackend(BaseBackend):
    """For tests: keeps messages in `outbox`, prints nothing."""

    def send(self, message):
        outbox.append(message)
        return f"memory-{next(_ids)}"
