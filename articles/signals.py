"""What articles tell other apps, so that those apps depend on articles and not the other way round."""

from django.dispatch import Signal

# Sent (inside the save's transaction) when a save gives an article another address than the one readers could
# already reach it at: its slug was edited, or it was republished on another day. Arguments: `article` (as
# saved, at its new address), `old_path` (the former address in the default language, e.g.
# "/2017/09/29/old-slug/") and `reason` (SLUG_CHANGED or REPUBLISHED). The redirects app keeps the old address
# working.
address_changed = Signal()

SLUG_CHANGED = "slug"
REPUBLISHED = "republished"
