"""What the security settings cannot say alone: which pages get which Content-Security-Policy, and who the client is."""

import ipaddress

from csp.middleware import CSPMiddleware
from django.conf import settings


def is_admin_request(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


def is_api_docs_request(request):
    """The read API's Swagger UI page (api/urls.py)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "api:openapi-view"


def carries_rich_text_editor(response):
    """Whether the page loads CKEditor: the admin's form views list every widget's media in their context."""
    media = (getattr(response, "context_data", None) or {}).get("media")
    return media is not None and "ckeditor/ckeditor.js" in str(media)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, relaxing the policy only where CKEditor 4 runs, and for the API's docs page.

    Every page gets CONTENT_SECURITY_POLICY. An admin page that loads CKEditor also gets
    RICH_TEXT_EDITOR_CONTENT_SECURITY_POLICY_ADDITIONS; the API's Swagger UI page
    API_DOCS_CONTENT_SECURITY_POLICY_ADDITIONS. The URL namespace decides, not a path prefix, so /admin/
    and /en/admin/ are treated alike and no public URL can ever be mistaken for the admin.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if is_admin_request(request) and carries_rich_text_editor(response):
            additions = settings.RICH_TEXT_EDITOR_CONTENT_SECURITY_POLICY_ADDITIONS
        elif is_api_docs_request(request):
            additions = settings.API_DOCS_CONTENT_SECURITY_POLICY_ADDITIONS
        else:
            return parts
        update = dict(parts.update or {})
        for directive, sources in additions.items():
            update[directive] = [*update.get(directive, ()), *sources]
        parts.update = update
        return parts


# Where a proxy of our own can stand: this machine, the private networks (a container network, the office LAN, a
# load balancer inside the data centre). A request from the internet never arrives from one of these.
INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
    )
)


def _address(text):
    """An IP address from REMOTE_ADDR or one X-Forwarded-For entry ("1.2.3.4", "1.2.3.4:5678", "[::1]:80"), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _is_internal(address):
    return any(address in network for network in INTERNAL_NETWORKS)


def client_ip(request):
    """The client's address for django-axes, which locks a username from one address, never the account.

    - TRUSTED_PROXY_COUNT unset (the default): proxies on this machine or a private network are ours. Walking back
      from REMOTE_ADDR through X-Forwarded-For, the client is the first address outside them (or, for a chain of
      internal addresses only, the farthest: a reporter on the office network). Django facing the internet directly
      sees a public REMOTE_ADDR and reads no header, so a client cannot forge its way out of a lock.
    - TRUSTED_PROXY_COUNT=N: the entry appended by the outermost of N proxies (a CDN has public addresses, so it must
      be counted); anything to its left was written by the client and can be forged.
    - TRUSTED_PROXY_COUNT=0: REMOTE_ADDR, whatever the headers say.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    hops = settings.TRUSTED_PROXY_COUNT
    if hops is not None:
        if hops and len(forwarded) >= hops:
            address = _address(forwarded[-hops])
            return str(address) if address else None
        return remote or None
    nearest = _address(remote) if remote else None
    if remote and nearest is None:
        return remote  # not an IP address at all: nothing to walk from
    # No REMOTE_ADDR is a Unix socket: a proxy on this machine.
    client = nearest
    for entry in reversed(forwarded):
        if client is not None and not _is_internal(client):
            break
        hop = _address(entry)
        if hop is None:
            break
        client = hop
    return str(client) if client is not None else None
