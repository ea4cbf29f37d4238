"""Public reads on a read replica when one is configured (DATABASE_REPLICA_URL).

Only anonymous GET/HEAD requests outside the admin read from the replica: staff must see their own writes at
once, and a replica may lag by a moment, which a reader cannot notice. A replica that does not answer, or that is
more than DATABASE_REPLICA_MAX_LAG seconds behind, is left aside for the primary until it is healthy again (each
process asks it at most every few seconds).
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
_public_read = ContextVar("newsroom_public_read", default=False)
CHECK_EVERY = 5.0  # seconds between two looks at the replica's health, per process


class _Health:
    def __init__(self):
        self.lock = threading.Lock()
        self.checked = 0.0
        self.usable = True

    def usable_now(self):
        now = time.monotonic()
        if now - self.checked >= CHECK_EVERY:
            with self.lock:
                if now - self.checked >= CHECK_EVERY:
                    self.checked = now
                    usable = replica_is_usable()
                    if usable != self.usable:
                        logger.warning(
                            "Read replica %s", "back in use" if usable else "left aside for the primary"
                        )
                    self.usable = usable
        return self.usable


health = _Health()


def replica_is_usable():
    """The replica answers and is not too far behind the primary."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return True
            # NULL on a primary (or a replica with nothing to replay yet): no lag to speak of.
            cursor.execute(
                "SELECT CASE WHEN pg_is_in_recovery() AND pg_last_wal_receive_lsn() <> pg_last_wal_replay_lsn()"
                " THEN EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) ELSE 0 END"
            )
            lag = cursor.fetchone()[0] or 0
    except DatabaseError as error:
        logger.warning("Read replica unavailable: %s", error)
        connection.close_if_unusable_or_obsolete()
        return False
    return lag <= settings.DATABASE_REPLICA_MAX_LAG


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and REPLICA in connections.settings and health.usable_now():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class PublicReadsMiddleware:
    """Mark a reader's request so the router may send its queries to the replica."""

    STAFF_PREFIXES = ("/admin/", "/en/admin/", "/preview/", "/en/preview/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.STAFF_PREFIXES)
        )
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
