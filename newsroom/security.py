"""What the security settings cannot say alone: which pages get which Content-Security-Policy, and who the client is."""

from csp.middleware import CSPMiddleware
from django.conf import settings


def is_admin_request(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


def carries_rich_text_editor(response):
    """Whether the page loads CKEditor: the admin's form views list every widget's media in their context."""
    media = (getattr(response, "context_data", None) or {}).get("media")
    return media is not None and "ckeditor/ckeditor.js" in str(media)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, relaxing the policy only where CKEditor 4 runs.

    Every page gets CONTENT_SECURITY_POLICY. An admin page that loads CKEditor also gets
    RICH_TEXT_EDITOR_CONTENT_SECURITY_POLICY_ADDITIONS. The URL namespace decides, not a path prefix, so /admin/
    and /en/admin/ are treated alike and no public URL can ever be mistaken for the admin.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or not (is_admin_request(request) and carries_rich_text_editor(response)):
            return parts
        update = dict(parts.update or {})
        for directive, sources in settings.RICH_TEXT_EDITOR_CONTENT_SECURITY_POLICY_ADDITIONS.items():
            update[directive] = [*update.get(directive, ()), *sources]
        parts.update = update
        return parts


def client_ip(request):
    """The client's address for django-axes: REMOTE_ADDR, or the one our own proxies put in X-Forwarded-For.

    Only the entry appended by the outermost of TRUSTED_PROXY_COUNT proxies is believed; anything to its left was
    written by the client and can be forged.
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")
