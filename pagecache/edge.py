"""Purging edge caches by key: Varnish (xkey) and Fastly (surrogate keys), each listed in EDGE_PURGE_URLS.

A purge is soft unless asked otherwise: the edge keeps serving its copy for the moment it takes to fetch the new
one (readers never wait for a render), while a hard purge (a takedown) drops the copy outright.

Another CDN that purges by tag is one small class away: give it `purge(keys, timeout, hard)` raising `PurgeFailed`
when the CDN does not confirm, and a URL scheme in `ADAPTERS` (docs/deploy.md).
"""

import os
import urllib.error
import urllib.parse
import urllib.request

from . import conf

# Varnish and Fastly both cap the size of a request header; keys go out in batches well below it.
BATCH = 200


class PurgeFailed(Exception):
    pass


class Varnish:
    """`PURGE /` with the keys in an `xkey-purge` header, answered by the repo's VCL (deploy/varnish.vcl): a soft
    purge (`xkey-soft: 1`, vmod xkey's softpurge) unless `hard`."""

    def __init__(self, url):
        self.url = url

    def purge(self, keys, timeout, hard=False):
        headers = {"xkey-purge": " ".join(keys)}
        if not hard:
            headers["xkey-soft"] = "1"
        _send(urllib.request.Request(self.url, method="PURGE", headers=headers), timeout)

    def __str__(self):
        return self.url


class Fastly:
    """`fastly://SERVICE_ID`: Fastly's purge by surrogate key, with the API token from FASTLY_API_TOKEN."""

    api = "https://api.fastly.com"

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.service = parts.netloc
        self.api = os.environ.get("FASTLY_API_URL", self.api)

    def purge(self, keys, timeout, hard=False):
        headers = {"Surrogate-Key": " ".join(keys), "Fastly-Key": os.environ.get("FASTLY_API_TOKEN", "")}
        if not hard:
            headers["Fastly-Soft-Purge"] = "1"  # marks the copies stale: served while Fastly refetches
        request = urllib.request.Request(
            f"{self.api}/service/{self.service}/purge", method="POST", headers=headers
        )
        _send(request, timeout)

    def __str__(self):
        return f"fastly://{self.service}"


ADAPTERS = {"http": Varnish, "https": Varnish, "fastly": Fastly}


def _send(request, timeout):
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URLs only
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, ValueError) as error:
        raise PurgeFailed(f"{request.full_url}: {error}") from error
    if not 200 <= status < 300:
        raise PurgeFailed(f"{request.full_url}: answered {status}")


def targets():
    return [ADAPTERS[urllib.parse.urlsplit(url).scheme](url) for url in conf.options()["EDGE_PURGE_URLS"]]


def purge(keys, hard=()):
    """Purge `keys` softly and `hard` outright at every edge; raises PurgeFailed naming each one that did not
    confirm."""
    hard = sorted(set(hard))
    soft = sorted(set(keys) - set(hard))
    timeout = conf.options()["EDGE_TIMEOUT"]
    failed = []
    for target in targets():
        try:
            for batch, outright in ((hard, True), (soft, False)):
                for start in range(0, len(batch), BATCH):
                    target.purge(batch[start : start + BATCH], timeout, hard=outright)
        except PurgeFailed as error:
            failed.append(str(error))
    if failed:
        raise PurgeFailed("; ".join(failed))
