import itertools
import sys

from inclusion.services.telephones import mask_phone
from inclusion.sms.backends.base import BaseBackend

# Kept in memory so the demo and tests can read what was "sent".
sent = []
_ids = itertools.count(1)


class ConsoleBackend(BaseBackend):
    """Development default: prints the message (number masked) and keeps it."""

    def send(self, message):
        provider_id = f"console-{next(_ids)}"
        sent.append(message)
        sys.stdout.write(
            f"--- SMS {provider_id} to {mask_phone(message.to)} ({message.kind}) ---\n"
            f"{message.masked_body()}\n---\n"
        )
        sys.stdout.flush()
        return provider_id
