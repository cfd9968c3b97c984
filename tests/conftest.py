"""Fixtures shared by the whole suite: a small unit tree and one user a role.

The tree: the institution ROOT; jurusan JA with prodi JA1, jurusan JB with
prodi JB1; the cooperation office OFF.
"""

import pytest
from django.utils import translation

from mitra.core.models import Role, UnitKind
from tests.factories import UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _messages_in_english(request):
    """Assert on messages as written in the code (English msgids).

    The test settings make English the default language; tests of the
    application's real default (Indonesian) carry the `indonesian` marker.
    """
    if request.node.get_closest_marker("indonesian"):
        request.getfixturevalue("settings").LANGUAGE_CODE = "id"
        translation.activate("id")
    else:
        translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def units(db):
    root = UnitFactory(code="ROOT", name="Politeknik Uji", kind=UnitKind.INSTITUTION)
    ja = UnitFactory(code="JA", name="Jurusan A", kind=UnitKind.JURUSAN, parent=root)
    jb = UnitFactory(code="JB", name="Jurusan B", kind=UnitKind.JURUSAN, parent=root)
    return {
        "root": root,
        "ja": ja,
        "jb": jb,
        "ja1": UnitFactory(
            code="JA1", name="Prodi A1", kind=UnitKind.PRODI, parent=ja, level="D4"
        ),
        "jb1": UnitFactory(
            code="JB1", name="Prodi B1", kind=UnitKind.PRODI, parent=jb, level="D3"
        ),
        "office": UnitFactory(
            code="OFF", name="Kantor Kerja Sama Uji", kind=UnitKind.UNIT, parent=root
        ),
    }


@pytest.fixture
def users(units):
    """One named user per role; unit staff of jurusan A and of jurusan B."""
    return {
        "office": UserFactory(
            username="office", role=Role.OFFICE, units=[units["office"]]
        ),
        "head": UserFactory(username="head", role=Role.HEAD, units=[units["office"]]),
        "leader": UserFactory(username="leader", role=Role.LEADER),
        "auditor": UserFactory(username="auditor", role=Role.AUDITOR),
        "unit_a": UserFactory(username="unit_a", role=Role.UNIT, units=[units["ja"]]),
        "unit_b": UserFactory(username="unit_b", role=Role.UNIT, units=[units["jb"]]),
        "admin": UserFactory(
            username="admin", role=Role.OFFICE, is_superuser=True, is_staff=True
        ),
    }


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as a given user."""

    def login(user):
        client.force_login(user)
        return client

    return login
