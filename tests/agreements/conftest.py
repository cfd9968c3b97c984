"""Fixtures of the agreement tests: a partner and a few named agreements."""

import datetime

import pytest

from mitra.agreements.models import DocumentType, Status
from tests.factories import AgreementFactory, PartnerFactory


@pytest.fixture
def partner(db):
    return PartnerFactory(name="PT Contoh Sejahtera")


@pytest.fixture
def draft_b(units, partner):
    """A draft of jurusan B that jurusan A must never see."""
    return AgreementFactory(
        number=None,
        title="Draf rahasia jurusan B",
        status=Status.DRAFT,
        partner=partner,
        units=[units["jb"]],
    )


@pytest.fixture
def mou(partner):
    return AgreementFactory(
        number="001/MOU/2020",
        document_type=DocumentType.MOU,
        title="Nota kesepahaman",
        partner=partner,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
