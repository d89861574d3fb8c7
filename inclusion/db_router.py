"""Reads of read-only pages from a PostgreSQL replica (issue 19).

With a "replica" database alias (DATABASE_REPLICA_URL), the pages marked `lecture_replica`
(the dashboards, their public share page, open data, the public read API) read their figures
from it. Everything else stays on "default", the primary:

- every write, and every read inside a transaction of the primary (a read that decides a
  write must see the primary's rows: redemptions, registrations take rows FOR UPDATE);
- every read after the request (or the `with` block) has written: it reads its own write
  (a write of the models below does not count: they are read on the primary anyway, so a
  share link's visit count or an API token's last use leaves the figures on the replica);
- whoever, whatever the page: sessions, accounts, memberships, second factors, lockouts, and
  the models an upper layer declares with `keep_on_primary` (share links, API tokens). A
  replica lags by up to a few seconds; a signed-out session, a withdrawn role, a revoked
  token or link must stop working at once, and these are single-row reads by key.

Without the alias, or outside a marked page, the router answers None: Django's default.
"""

import contextvars
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connections
from django.http import StreamingHttpResponse

REPLICA = "replica"
DEFAULT = "default"

# App labels and model labels (lower case) always read on the primary.
_PRIMARY_APPS = {"sessions", "auth", "axes", "otp_totp", "otp_static", "otp_email", "contenttypes"}
_PRIMARY_MODELS = {"inclusion.user", "inclusion.membership"}

# The state of the current marked scope: None outside; {"ecrit": bool} inside.
_scope = contextvars.ContextVar("inclusion_lecture_replica", default=None)


def keep_on_primary(*labels):
    """Declare models ("app_label.model_name") whose reads stay on the primary even in a
    marked page (credentials, links that can be withdrawn)."""
    _PRIMARY_MODELS.update(label.lower() for label in labels)


def replica_available():
    return REPLICA in settings.DATABASES


@contextmanager
def lecture_replica():
    """Reads in this block (or decorated function) may go to the replica. Nested blocks
    share the outer scope, so a write anywhere in it keeps later reads on the primary."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({"ecrit": False})
    try:
        yield
    finally:
        _scope.reset(token)


def _replica_iterator(iterator):
    """A streamed body (open data exports) reads its rows after the view has returned: each
    chunk is produced inside the marked scope."""
    iterator = iter(iterator)
    while True:
        with lecture_replica():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def replica_view(view):
    """A read-only view whose reads may go to the replica, streamed body included. Works on
    function views and on `as_view()` results (DRF ones too)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with lecture_replica():
            response = view(request, *args, **kwargs)
            # DRF and template responses render lazily: render inside the scope.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _replica_iterator(response.streaming_content)
        return response

    return wrapper


def _primary_only(model):
    meta = model._meta
    return meta.app_label in _PRIMARY_APPS or meta.label_lower in _PRIMARY_MODELS


class ReplicaRouter:
    """Reads of a marked scope go to "replica" when it exists; the rest is Django's default."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or scope["ecrit"] or not replica_available():
            return None
        if _primary_only(model):
            return DEFAULT
        instance = hints.get("instance")
        if instance is not None and instance._state.db == DEFAULT:
            # Related objects of a row read on the primary are read there too.
            return DEFAULT
        if connections[DEFAULT].in_atomic_block:
            return DEFAULT
        return REPLICA

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None and not _primary_only(model):
            scope["ecrit"] = True
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may relate to one read
        # on the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica is migrated by replication, never by `migrate`.
        if db == REPLICA:
            return False
        return None
