"""Outgoing e-mail: one service any feature calls (service.send_email), an outbox row written
in the caller's transaction, delivery by the task worker with retries (delivery.py).

Messages are French, short, plain text plus an accessible HTML part, dressed in the
collectivité's habillage (inclusion.registry.habillage). Logs carry ids, never an address or a
link."""
