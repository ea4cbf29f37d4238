"""Public reads on a read replica when one is configured (DATABASE_REPLICA_URL).

Only anonymous GET/HEAD requests outside the admin read from the replica: staff must see their own writes at
once, and a replica may lag by a moment, which a reader cannot notice.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_public_read = ContextVar("newsroom_public_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and REPLICA in connections.settings:
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
