"""Fixtures of the monitoring tests: agreements of two jurusan and a round.

The round covers the odd semester 2025/2026 (August 2025 to January 2026),
with its reference date on 31 January 2026 and its due date on 20 February.
"""

import datetime

import pytest

from mitra.agreements.models import Status
from mitra.monitoring import services
from mitra.monitoring.models import PeriodKind
from tests.factories import ActivityFactory, AgreementFactory, PartnerFactory

REFERENCE = datetime.date(2026, 1, 31)
DUE = datetime.date(2026, 2, 20)


@pytest.fixture
def agreement_a(units, users):
    """In force, of jurusan A, with unit_a as its responsible person."""
    return AgreementFactory(
        number="001/PKS/2024",
        title="Magang industri",
        partner=PartnerFactory(name="PT Alfa"),
        units=[units["ja"]],
        responsible_user=users["unit_a"],
    )


@pytest.fixture
def agreement_b(units):
    """In force, of prodi B1, with no responsible person named."""
    return AgreementFactory(
        number="002/PKS/2024",
        title="Riset bersama",
        partner=PartnerFactory(name="PT Beta"),
        units=[units["jb1"]],
    )


@pytest.fixture
def not_monitored(units):
    """Agreements no round asks about on REFERENCE."""
    return [
        AgreementFactory(number=None, status=Status.DRAFT, units=[units["ja"]]),
        AgreementFactory(end_date=REFERENCE - datetime.timedelta(days=1)),
        AgreementFactory(start_date=REFERENCE + datetime.timedelta(days=1)),
        AgreementFactory(status=Status.TERMINATED),
    ]


@pytest.fixture
def activity_a(agreement_a):
    return ActivityFactory(
        agreement=agreement_a,
        title="Magang semester ganjil",
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2025, 12, 20),
    )


@pytest.fixture
def monitoring_round(users, agreement_a, agreement_b):
    return services.round_open(
        by=users["office"],
        period_kind=PeriodKind.ODD_SEMESTER,
        year=2025,
        reference_date=REFERENCE,
        due_date=DUE,
    )


def entry_of(monitoring_round, agreement):
    return monitoring_round.entries.get(agreement=agreement)
