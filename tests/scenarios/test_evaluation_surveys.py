"""Acceptance: the partner satisfaction survey (issue 6, item 2 and reminders).

The hand computation below follows PermenPANRB 14/2017: each of the nine
service elements is averaged over the respondents, the nine means are
weighted exactly 1/9 each, and the weighted mean is multiplied by 25.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from mitra.core import clock
from mitra.core.daily import run_daily
from mitra.core.models import OutboxEmail
from mitra.documents.models import IssuedDocument
from mitra.surveys import services
from mitra.surveys.models import Answer, Invitation, Response, RoundStatus
from mitra.surveys.results import compute
from mitra.surveys.selectors import partner_satisfaction, survey_summary
from tests.surveys.helpers import (
    CLOSES,
    OPENS,
    answer_data,
    make_contacts,
    make_round,
    tokens_sent_to,
)

pytestmark = pytest.mark.django_db


def _indonesian(text):
    with translation.override("id"):
        return gettext(text)


REMINDER = _indonesian("Reminder: partner satisfaction survey")

ELEMENTS = ["U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9"]
# Seven respondents' answers to the nine service elements (U1…U9).
SERVICE_ANSWERS = [
    [4, 4, 3, 3, 4, 4, 4, 3, 3],
    [3, 3, 3, 2, 3, 4, 4, 3, 3],
    [4, 3, 2, 3, 3, 3, 4, 2, 3],
    [3, 3, 3, 3, 4, 4, 3, 3, 4],
    [2, 3, 2, 3, 3, 3, 4, 3, 2],
    [4, 4, 3, 4, 4, 4, 4, 4, 3],
    [3, 2, 3, 3, 3, 3, 3, 2, 3],
]
# The cooperation items, one list of seven answers each (None: not applicable;
# nobody rated K7).
COOPERATION_ANSWERS = {
    "K1": [4, 3, 3, 3, 2, 4, 3],
    "K2": [4, 4, 3, 3, 3, 4, 3],
    "K3": [3, 3, 3, 3, 3, 4, 2],
    "K4": [4, 3, 3, 4, 3, 4, 3],
    "K5": [4, None, 3, None, 3, 4, None],
    "K6": [3, 3, None, None, None, 4, None],
    "K7": [None] * 7,
    "K8": [4, 4, 3, 4, 3, 4, 3],
    "K9": [3, 2, None, 3, None, 3, 2],
    "K10": [4, 4, 4, 4, 3, 4, 4],
    "K11": [4, 3, 3, 4, 3, 4, 3],
}

# The hand computation.
# Element sums over the 7 respondents: 23, 22, 19, 21, 24, 25, 26, 20, 21.
ELEMENT_MEANS = {
    "U1": "3.29",  # 23 / 7 = 3.2857…
    "U2": "3.14",  # 22 / 7 = 3.1428…
    "U3": "2.71",  # 19 / 7 = 2.7142…
    "U4": "3.00",  # 21 / 7
    "U5": "3.43",  # 24 / 7 = 3.4285…
    "U6": "3.57",  # 25 / 7 = 3.5714…
    "U7": "3.71",  # 26 / 7 = 3.7142…
    "U8": "2.86",  # 20 / 7 = 2.8571…
    "U9": "3.00",  # 21 / 7
}
# (23+22+19+21+24+25+26+20+21) / 7 / 9 x 25 = 201 x 25 / 63 = 79.7619…
SERVICE_INDEX = "79.76"  # grade B (76.61-88.30); with 0.11 weights it would be 78.96
# Cooperation means: 22/7, 24/7, 3, 24/7, 14/4, 10/3, 25/7, 13/5, 27/7, 24/7
# (K7 has no answer and is left out): sum 6991/210, / 10 x 25 = 83.2261…
COOPERATION_INDEX = "83.23"
# U3 was answered 3 five times and 2 twice: 71.43 % good, 28.57 % fair.
U3_PERCENTS = {4: "0.00", 3: "71.43", 2: "28.57", 1: "0.00"}
# U1: three 4s, three 3s, one 2.
U1_PERCENTS = {4: "42.86", 3: "42.86", 2: "14.29", 1: "0.00"}
# The 63 answers of the service aspect: twenty 4s, thirty-five 3s, eight 2s.
SERVICE_ASPECT_PERCENTS = {4: "31.75", 3: "55.56", 2: "12.70", 1: "0.00"}


def _two(value):
    return value.quantize(Decimal("0.01"))


def _answers_of(respondent):
    values = dict(zip(ELEMENTS, SERVICE_ANSWERS[respondent], strict=True))
    for code, answers in COOPERATION_ANSWERS.items():
        values[code] = answers[respondent]
    return values


def _answer_all(client, round, contacts, *, open_texts=None):
    """Each contact answers through the link in their invitation email."""
    instrument = round.instrument
    with clock.frozen(OPENS + datetime.timedelta(days=3)):
        for index, contact in enumerate(contacts):
            token = tokens_sent_to(contact.email)[-1]
            text = open_texts[index] if open_texts else ""
            response = client.post(
                f"/surveys/s/{token}/",
                answer_data(instrument, _answers_of(index), open_text=text),
            )
            assert response.status_code == 302, response.content[:2000]


def test_the_index_grades_and_distributions_equal_a_hand_computed_example(
    client, client_for, users
):
    # given a round to which seven partner contacts were invited
    contacts = make_contacts(7)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)

    # when the seven answer through their links
    _answer_all(client, round, contacts)

    # then every figure equals the hand computation
    results = compute(round)
    assert results.respondents == 7
    means = {row.item.service_element: _two(row.mean) for row in results.elements}
    assert means == {code: Decimal(value) for code, value in ELEMENT_MEANS.items()}
    assert _two(results.service_index) == Decimal(SERVICE_INDEX)
    assert results.service_grade == "B"
    assert _two(results.cooperation_index) == Decimal(COOPERATION_INDEX)
    assert results.cooperation_grade == "B"
    by_code = {row.item.code: row for row in results.items}
    assert {p: str(_two(v)) for p, v in by_code["U3"].percents.items()} == U3_PERCENTS
    assert {p: str(_two(v)) for p, v in by_code["U1"].percents.items()} == U1_PERCENTS
    service_aspect = results.aspects[0]
    assert {
        point: str(_two(value)) for point, value in service_aspect.percents.items()
    } == SERVICE_ASPECT_PERCENTS
    assert by_code["K7"].n == 0 and by_code["K7"].mean is None
    assert by_code["K5"].n == 4 and _two(by_code["K5"].mean) == Decimal("3.50")

    # and the results page shows them, and the export too
    office = client_for(users["office"])
    page = office.get(f"/surveys/rounds/{round.pk}/results/").content.decode()
    assert "79.76" in page and "83.23" in page
    workbook = load_workbook(
        io.BytesIO(
            office.get(f"/surveys/rounds/{round.pk}/results/?export=xlsx").content
        )
    )
    figures = dict(workbook.worksheets[0].iter_rows(values_only=True))
    assert figures["Service index"] == pytest.approx(79.76)
    assert figures["Service grade"] == "B"
    items = {row[1]: row for row in workbook["Items"].iter_rows(values_only=True)}
    assert items["U3"][5] == pytest.approx(2.7143)
    assert items["U3"][6:10] == (0, pytest.approx(71.43), pytest.approx(28.57), 0)

    # and once closed, the year's summary and the issued result agree
    with clock.frozen(CLOSES + datetime.timedelta(days=1)):
        document = services.round_close(round=round, by=users["office"])
    summary = survey_summary(2025)
    assert _two(summary["service_index"]) == Decimal(SERVICE_INDEX)
    assert summary["grade"] == "B"
    assert _two(summary["cooperation_index"]) == Decimal(COOPERATION_INDEX)
    assert summary["weakest_items"][0][1] == Decimal("2.6")  # K9: 13 / 5
    assert document.snapshot["service_index"] == "79.76"
    assert document.snapshot["service_grade"] == "B"
    # one contact's own answers: respondent 1 (all nine elements answered)
    own = partner_satisfaction(contacts[0].partner)
    assert _two(own) == Decimal("88.89")  # (4+4+3+3+4+4+4+3+3) / 9 x 25 = 32 x 25 / 9


def test_with_the_anonymity_option_no_page_or_export_shows_who_answered_what(
    client, client_for, users
):
    # given an anonymous round; each contact writes a recognisable idea
    contacts = make_contacts(3)
    round = make_round(
        by=users["office"], contacts=contacts, anonymous=True, open_on=OPENS
    )
    ideas = ["Magang industri bersama", "Kelas praktisi", "Riset baterai"]
    _answer_all(client, round, contacts, open_texts=ideas)

    # then the answers are stored without any link to who gave them
    assert Invitation.objects.filter(round=round, responded=True).count() == 3
    for response in Response.objects.filter(round=round):
        assert response.invitation_id is None
        assert response.partner_id is None
        assert response.submitted_at is None
        assert response.language == ""

    # and the office sees who answered (a flag), never what they answered
    office = client_for(users["office"])
    names = [contact.name for contact in contacts] + [
        contact.partner.name for contact in contacts
    ]
    detail = office.get(f"/surveys/rounds/{round.pk}/").content.decode()
    assert all(name in detail for name in names)
    assert not any(idea in detail for idea in ideas)

    # while the round is open its figures are not shown at all
    pending = office.get(f"/surveys/rounds/{round.pk}/results/").content.decode()
    assert 'id="results-pending"' in pending
    assert not any(idea in pending for idea in ideas)
    pending_export = office.get(f"/surveys/rounds/{round.pk}/results/?export=xlsx")
    assert pending_export["Content-Type"].startswith("text/html")

    # once closed, totals only: the ideas without names, alphabetically
    with clock.frozen(CLOSES + datetime.timedelta(days=1)):
        document = services.round_close(round=round, by=users["office"])
    snapshot = str(document.snapshot)
    assert all(idea in snapshot for idea in ideas)
    assert not any(name in snapshot for name in names)

    results_page = office.get(f"/surveys/rounds/{round.pk}/results/").content.decode()
    assert all(idea in results_page for idea in ideas)
    assert not any(name in results_page for name in names)
    positions = [results_page.index(idea) for idea in sorted(ideas)]
    assert positions == sorted(positions)

    export = office.get(f"/surveys/rounds/{round.pk}/results/?export=xlsx")
    workbook = load_workbook(io.BytesIO(export.content))
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert all(any(idea in cell for cell in cells) for idea in ideas)
    assert not any(name in cell for cell in cells for name in names)

    assert office.get(f"/surveys/rounds/{round.pk}/responses/").status_code == 404
    admin = client_for(users["admin"])
    assert admin.get("/admin/surveys/response/").status_code == 404
    assert admin.get("/admin/surveys/answer/").status_code == 404
    issued = office.get(document.get_absolute_url()).content.decode()
    assert not any(name in issued for name in names)
    assert partner_satisfaction(contacts[0].partner) is None


def test_a_reused_expired_revoked_or_guessed_link_answers_404_or_410_revealing_nothing(
    client, users
):
    # given a round with four invited contacts
    contacts = make_contacts(4)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    tokens = [tokens_sent_to(contact.email)[-1] for contact in contacts]
    data = answer_data(round.instrument, {})
    partner_names = [contact.partner.name for contact in contacts]
    contact_names = [contact.name for contact in contacts]

    def body(response):
        return response.content.decode()

    def reveals_nothing(response):
        text = body(response)
        return not any(
            name in text for name in [*partner_names, *contact_names, round.title]
        )

    during = OPENS + datetime.timedelta(days=2)
    with clock.frozen(during):
        # reused: the first answer is kept, the link then answers 410
        assert client.post(f"/surveys/s/{tokens[0]}/", data).status_code == 302
        reused_get = client.get(f"/surveys/s/{tokens[0]}/")
        reused_post = client.post(f"/surveys/s/{tokens[0]}/", data)
        assert reused_get.status_code == reused_post.status_code == 410
        assert Response.objects.filter(round=round).count() == 1

        # revoked
        invitation = Invitation.objects.get(round=round, contact=contacts[1])
        services.invitation_revoke(invitation=invitation, by=users["office"])
        revoked = client.get(f"/surveys/s/{tokens[1]}/")
        assert revoked.status_code == 410

        # guessed: a well-formed token nobody was sent, and a mangled real one
        guessed = client.get("/surveys/s/" + "A" * 43 + "/")
        mangled = client.get(f"/surveys/s/{tokens[2][:-1]}x/")
        assert guessed.status_code == mangled.status_code == 404
        assert client.post("/surveys/s/" + "A" * 43 + "/", data).status_code == 404

    # expired: the day after the closing day (in Asia/Jakarta)
    after = timezone.make_aware(
        datetime.datetime.combine(
            CLOSES + datetime.timedelta(days=1), datetime.time(0, 30)
        )
    )
    with clock.frozen(after):
        expired = client.get(f"/surveys/s/{tokens[2]}/")
        assert expired.status_code == 410
    # closed by the office: its links expire too
    with clock.frozen(during):
        services.round_close(round=round, by=users["office"])
        closed = client.post(f"/surveys/s/{tokens[3]}/", data)
        assert closed.status_code == 410

    for response in (
        reused_get,
        reused_post,
        revoked,
        guessed,
        mangled,
        expired,
        closed,
    ):
        assert reveals_nothing(response)
    # the 410 pages are one and the same whatever the reason
    assert body(reused_get) == body(revoked) == body(expired)
    assert Response.objects.filter(round=round).count() == 1


@pytest.mark.indonesian
def test_the_indonesian_pages_write_the_index_with_a_decimal_comma(
    client, client_for, users
):
    contacts = make_contacts(7)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    _answer_all(client, round, contacts)

    page = client_for(users["office"]).get(f"/surveys/rounds/{round.pk}/results/")

    assert "79,76" in page.content.decode() and "83,23" in page.content.decode()


def test_a_link_works_until_the_end_of_the_closing_day_in_jakarta(client, users):
    contacts = make_contacts(1)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    token = tokens_sent_to(contacts[0].email)[-1]
    last_evening = timezone.make_aware(
        datetime.datetime.combine(CLOSES, datetime.time(23, 30))
    )
    with clock.frozen(last_evening):
        assert client.get(f"/surveys/s/{token}/").status_code == 200
        data = answer_data(round.instrument, {})
        assert client.post(f"/surveys/s/{token}/", data).status_code == 302


def test_run_daily_twice_sends_each_reminder_once(users, mailoutbox):
    # given an open round, closing on 31 March, with three contacts invited,
    # one of whom has answered
    contacts = make_contacts(3)
    make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    with clock.frozen(OPENS + datetime.timedelta(days=1)):
        link = services.link_find(tokens_sent_to(contacts[0].email)[-1])
        services.response_submit(link=link, answers={})

    # when the daily job runs twice on the 7-day lead (24 March), and twice on
    # the 2-day lead (29 March)
    seven_days_before = CLOSES - datetime.timedelta(days=7)
    two_days_before = CLOSES - datetime.timedelta(days=2)
    for day in (seven_days_before, seven_days_before, two_days_before, two_days_before):
        with clock.frozen(day):
            runs = run_daily(day)
        assert all(run.ok for run in runs), [run.error for run in runs]

    # then each contact who has not answered got each reminder once
    reminders = OutboxEmail.objects.filter(dedupe_key__startswith="surveys:reminder")
    assert reminders.count() == 4  # 2 contacts x 2 leads
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted(
        [contacts[1].email, contacts[2].email] * 2
    )
    assert all(email.status == OutboxEmail.Status.SENT for email in reminders)
    reminded = [email for email in mailoutbox if email.subject.startswith(REMINDER)]
    assert len(reminded) == 4
    # and each reminder carries a working link of its own
    with clock.frozen(two_days_before):
        link = services.link_find(tokens_sent_to(contacts[1].email)[-1])
        assert link is not None and services.link_usable(link)


def test_an_invalid_answer_value_is_refused_with_a_message_and_nothing_saved(
    client, users
):
    contacts = make_contacts(1)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    token = tokens_sent_to(contacts[0].email)[-1]
    data = answer_data(round.instrument, {"U1": 7, "U2": "abc"})

    with clock.frozen(OPENS):
        response = client.post(f"/surveys/s/{token}/", data)

    assert response.status_code == 400
    assert _indonesian("Choose one of the answers from 1 to 4.") in (
        response.content.decode()
    )
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not Invitation.objects.get(round=round).responded


def test_a_survey_posted_twice_keeps_the_first_and_refuses_the_second(client, users):
    contacts = make_contacts(1)
    round = make_round(by=users["office"], contacts=contacts, open_on=OPENS)
    token = tokens_sent_to(contacts[0].email)[-1]

    with clock.frozen(OPENS):
        first = client.post(
            f"/surveys/s/{token}/", answer_data(round.instrument, {"U1": 4})
        )
        second = client.post(
            f"/surveys/s/{token}/", answer_data(round.instrument, {"U1": 1})
        )

    assert first.status_code == 302
    assert second.status_code == 410
    assert Response.objects.count() == 1
    assert Answer.objects.get(item__code="U1").value == 4
    assert round.status == RoundStatus.OPEN
    assert not IssuedDocument.objects.exists()
