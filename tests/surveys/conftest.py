import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The unknown-link counter lives in the cache, shared by the whole run.
    cache.clear()
    yield
    cache.clear()
