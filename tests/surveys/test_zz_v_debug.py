import pytest
from django.utils import translation
from mitra.core import clock
from tests.surveys.helpers import OPENS, make_contacts, make_round

pytestmark = pytest.mark.django_db

def test_dbg(users):
    print("A", translation.get_language())
    contacts = make_contacts(2)
    print("B", translation.get_language())
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    print("C", translation.get_language())
    assert 0
