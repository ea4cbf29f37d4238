from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsroom.security import client_ip

from . import counting


@csrf_exempt  # no session, no form: a beacon that can only add one read, at most once per client and article
@never_cache
@require_POST
def hit(request, pk):
    """One reader opened article `pk` (static/js/hit.js): counted, with no cookie set and nothing stored about them."""
    if request.headers.get("Sec-Purpose", request.headers.get("Purpose", "")).startswith("prefetch"):
        return HttpResponse(status=204)
    counting.count(pk, client_ip(request) or "", request.headers.get("User-Agent", ""))
    return HttpResponse(status=204)
