"""What other slices read: the year's summary and a partner's satisfaction."""

import datetime
from decimal import Decimal

import pytest

from mitra.core import clock
from mitra.surveys import services
from mitra.surveys.results import compute
from mitra.surveys.selectors import partner_satisfaction, survey_summary
from tests.factories import PartnerFactory
from tests.surveys.helpers import CLOSES, OPENS, make_contacts, make_round

pytestmark = pytest.mark.django_db


def _answer(contact, values, *, on=OPENS):
    from tests.surveys.helpers import tokens_sent_to

    with clock.frozen(on):
        link = services.link_find(tokens_sent_to(contact.email)[-1])
        items = link.invitation.round.instrument.items.filter(kind="scale")
        answers = {item: values.get(item.code, 3) for item in items}
        services.response_submit(link=link, answers=answers)


def _close(round, by, on=CLOSES):
    with clock.frozen(on):
        services.round_close(round=round, by=by)


def test_nothing_to_report_is_none(users):
    assert survey_summary(2025) is None
    assert partner_satisfaction(PartnerFactory()) is None
    # an open round is not reported; a closed one without answers neither
    round = make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)
    assert survey_summary(2025) is None
    _close(round, users["office"])
    assert survey_summary(2025) is None


def test_the_summary_is_of_the_year_s_last_closed_round(users):
    contacts = make_contacts(2)
    first = make_round(
        by=users["office"], contacts=contacts[:1], open_on=OPENS, title="Semester 1"
    )
    _answer(contacts[0], {})
    _close(first, users["office"])
    later = datetime.date(2025, 9, 1)
    second = make_round(
        by=users["office"],
        contacts=contacts[1:],
        title="Semester 2",
        opens_on=later,
        closes_on=later + datetime.timedelta(days=20),
        open_on=later,
    )
    _answer(contacts[1], {"U1": 4, "K3": 1}, on=later)
    _close(second, users["office"], on=later + datetime.timedelta(days=20))

    summary = survey_summary(2025)

    assert summary["round"] == second
    # (4 + 3 x 8) / 9 x 25 = 77.777…
    assert summary["service_index"].quantize(Decimal("0.01")) == Decimal("77.78")
    assert summary["grade"] == "B"
    assert summary["weakest_items"][0] == (
        "K3 " + second.instrument.items.get(code="K3").text_en,
        Decimal("1"),
    )
    assert survey_summary(2024) is None
    # the second round compares itself with the first
    results = compute(second)
    assert results.previous == first
    u1 = next(row for row in results.items if row.item.code == "U1")
    assert u1.delta == Decimal(1)
    assert results.service_delta.quantize(Decimal("0.01")) == Decimal("2.78")


def test_a_partner_s_satisfaction_counts_its_own_contacts_only(users):
    contacts = make_contacts(2)
    colleague = make_contacts(1)[0]
    colleague.partner = contacts[0].partner
    colleague.save()
    round = make_round(
        by=users["office"], contacts=[*contacts, colleague], open_on=OPENS
    )
    _answer(contacts[0], dict.fromkeys(["U1", "U2", "U3"], 4))
    _answer(colleague, dict.fromkeys(["U1", "U2", "U3"], 2))
    _answer(contacts[1], dict.fromkeys(["U1", "U2", "U3"], 1))

    assert partner_satisfaction(contacts[0].partner) is None  # not closed yet
    _close(round, users["office"])

    # partner 1: U1-U3 average 3, the others 3: index 75
    assert partner_satisfaction(contacts[0].partner) == Decimal("75")
    # partner 2: U1-U3 are 1, the others 3: (3 + 18) / 9 x 25 = 58.33…
    own = partner_satisfaction(contacts[1].partner)
    assert own.quantize(Decimal("0.01")) == Decimal("58.33")
