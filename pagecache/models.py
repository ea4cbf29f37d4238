from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invalidation(models.Model):
    """One committed change, as the keys it made stale: the journal the caches learn from.

    Written in the same transaction as the change, so it exists exactly when the change does. After the commit the
    keys get new versions in the shared store and are purged at every edge; a row keeps saying what is still to
    do, so a store that missed it (down, restarted from an old snapshot) and an edge that refused it catch up.
    """

    keys = models.TextField(_("keys"), help_text=_("Space-separated content keys."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    hard = models.BooleanField(
        _("removed at once"),
        default=False,
        help_text=_(
            "A takedown: the edge drops its copies outright instead of serving them while it fetches new ones."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    cached_at = models.DateTimeField(_("applied to the shared cache"), null=True, blank=True)
    purged_at = models.DateTimeField(_("purged at the edge"), null=True, blank=True)
    purges = models.PositiveSmallIntegerField(_("purges sent"), default=0)
    failures = models.PositiveIntegerField(_("failed purges"), default=0)
    next_purge_at = models.DateTimeField(_("next purge"), null=True, blank=True)
    purge_error = models.TextField(_("last purge error"), blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("cache invalidation")
        verbose_name_plural = _("cache invalidations")
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(cached_at__isnull=True), name="invalidation_not_cached"
            ),
            models.Index(
                fields=["next_purge_at"], condition=Q(purged_at__isnull=True), name="invalidation_not_purged"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.keys}"

    @property
    def key_list(self):
        return self.keys.split()
