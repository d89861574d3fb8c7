import itertools

from inclusion.sms.backends.base import BaseBackend

outbox = []  # the messages as the platform keeps them (secrets masked after sending)
delivered = []  # what the "provider" received, in clear: tests only
_ids = itertools.count(1)


class MemoryBackend(BaseBackend):
    """For tests: keeps messages in `outbox`, prints nothing."""

    def send(self, message):
        outbox.append(message)
        delivered.append(message.body)
        return f"memory-{next(_ids)}"
