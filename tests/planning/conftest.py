"""Fixtures of the planning tests: cooperation types and a year's records."""

import datetime

import pytest

from mitra.planning.models import CooperationType

YEAR = 2026
#: A day inside YEAR, used as "today" by most planning tests.
TODAY = datetime.date(YEAR, 3, 10)


@pytest.fixture
def frozen_today():
    from mitra.core import clock

    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def types(db):
    """Three cooperation types; the seeded catalogue is switched off so the
    matrix stays small and predictable."""
    CooperationType.objects.update(is_active=False)
    return {
        "magang": CooperationType.objects.create(
            code="t-magang", name="Magang", education=True, ordering=1
        ),
        "riset": CooperationType.objects.create(
            code="t-riset", name="Riset bersama", research=True, ordering=2
        ),
        "pkm": CooperationType.objects.create(
            code="t-pkm", name="Pengabdian", community_service=True, ordering=3
        ),
    }
