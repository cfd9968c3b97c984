"""A limit on how often one client address may do something, for public pages.

Pages open to anyone (the partner's proposal form, a survey answered through
a link, a request for a new link) count each client's attempts in Django's
cache and refuse the excess::

    if rate_limited(request, "proposals.public", limit=5, seconds=3600):
        return too_many_requests(request)

The count is kept per fixed window of `seconds` (a window starts when the
first attempt in it is made), so at most `limit` attempts pass per window.
The default cache (LocMemCache) counts per server process; a deployment
with several processes points `CACHES` at a shared cache (Redis, Memcached,
the database cache) so that they count together.

The client address is `REMOTE_ADDR`. Behind a reverse proxy, set
`MITRA_CLIENT_IP_HEADER` to the header the proxy fills in (for example
`HTTP_X_REAL_IP`); only do so when the proxy overwrites that header, since
a client could otherwise send a different value with each request.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

#: Keep a counter a little longer than its window, so it is never dropped
#: early by a clock second ticking over.
_GRACE_SECONDS = 5


def client_address(request):
    """Return the address the request came from (see the module docstring)."""
    header = getattr(settings, "MITRA_CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        # A proxy chain lists the original client first.
        value = value.split(",")[0].strip()
        if value:
            return value
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _cache_key(key, address, seconds, now):
    window = int(now // seconds)
    digest = hashlib.sha256(f"{key}|{address}".encode()).hexdigest()[:32]
    return f"mitra:ratelimit:{digest}:{seconds}:{window}"


def rate_limited(request, key, limit, seconds):
    """Count one attempt at `key` from the request's address; return whether
    it goes over `limit` attempts within the current window of `seconds`.

    Each call counts, so call it once per attempt. A refused attempt counts
    too: a client that keeps trying stays refused until the window ends.
    """
    if limit <= 0:
        return True
    cache_key = _cache_key(key, client_address(request), seconds, time.time())
    cache.add(cache_key, 0, timeout=seconds + _GRACE_SECONDS)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The counter expired between add and incr: this is a new window.
        cache.set(cache_key, 1, timeout=seconds + _GRACE_SECONDS)
        count = 1
    return count > limit


def too_many_requests(request, *, retry_after=60):
    """Answer 429 with a page asking the person to try again later."""
    response = render(
        request,
        "core/too_many_requests.html",
        {"retry_minutes": max(1, round(retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(int(retry_after))
    return response
