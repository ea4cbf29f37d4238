"""The benchmark's floor: the article page's bytes returned from memory through the whole middleware stack.

Routed only when settings.BENCHMARK is true (`make bench` sets it); never in production.
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse

_body = None


def floor(request):
    global _body
    if _body is None:
        _body = Path(settings.BENCHMARK_FLOOR_FILE).read_bytes()
    return HttpResponse(_body, content_type="text/html; charset=utf-8")
