"""Acceptance of monitoring, the survey and the evaluation report (issue 6).

Sections: monitoring and reminders; the partner satisfaction survey; the
annual evaluation report.
"""

import datetime
import io
import logging
import re
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from docx import Document
from openpyxl import load_workbook

from mitra.core import clock
from mitra.core.clock import frozen
from mitra.core.daily import run_daily
from mitra.core.models import JobRun, Notification, OutboxEmail
from mitra.documents.models import IssuedDocument
from mitra.documents.services import long_date
from mitra.monitoring import services as monitoring_services
from mitra.monitoring.models import PeriodKind
from mitra.reports.evaluation import (
    CHAPTERS,
    SECTIONS,
    evaluation_issue,
    evaluation_save,
    follow_up_plan,
    report_context,
    report_for,
    report_title,
)
from mitra.surveys import services
from mitra.surveys.models import Answer, Invitation, Response, RoundStatus
from mitra.surveys.results import compute
from mitra.surveys.selectors import partner_satisfaction, survey_summary
from tests.documents.helpers import docx_text, pdf_text, response_bytes
from tests.email_backends import DOWN, LOCMEM
from tests.factories import AgreementFactory, PartnerFactory
from tests.reports.evaluation_data import YEAR, build_year, survey_summary_2024
from tests.surveys.helpers import (
    CLOSES,
    OPENS,
    answer_data,
    make_contacts,
    make_round,
    tokens_sent_to,
)

pytestmark = pytest.mark.django_db


# --- Acceptance of issue 6, monitoring and reminders (slice M). ------------

JAKARTA = ZoneInfo("Asia/Jakarta")
DUE = datetime.date(2026, 2, 20)
#: Who hears of the round: unit_a (assigned) and, once overdue, the office.
OFFICE = {"office", "head", "admin"}


def at_jakarta(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), JAKARTA)


def run_daily_command(*args):
    out = StringIO()
    call_command("run_daily", *args, stdout=out, stderr=out)
    return out.getvalue()


def monitoring_keys(username):
    return sorted(
        Notification.objects.filter(
            recipient__username=username, dedupe_key__startswith="monitoring."
        ).values_list("dedupe_key", flat=True)
    )


@pytest.fixture
def monitoring_round(users, units):
    """An open round with one entry of jurusan A (unit_a) and one of jurusan B."""
    AgreementFactory(
        number="001/PKS/2024",
        partner=PartnerFactory(name="PT Alfa"),
        units=[units["ja"]],
        responsible_user=users["unit_a"],
    )
    AgreementFactory(
        number="002/PKS/2024",
        partner=PartnerFactory(name="PT Beta"),
        units=[units["jb"]],
        responsible_user=users["unit_b"],
    )
    return monitoring_services.round_open(
        by=users["office"],
        period_kind=PeriodKind.ODD_SEMESTER,
        year=2025,
        reference_date=datetime.date(2026, 1, 31),
        due_date=DUE,
    )


def test_running_the_daily_job_twice_a_day_sends_each_new_reminder_once(
    monitoring_round,
):
    # when the daily job runs twice on the day of the 7-day reminder
    week_before = DUE - datetime.timedelta(days=7)
    with clock.frozen(at_jakarta(week_before, 0, 15)):
        run_daily_command()
    with clock.frozen(at_jakarta(week_before, 13)):
        run_daily_command()

    # then each assignee got the reminder once, in Mitra and by email
    prefix = f"monitoring.entries:{monitoring_round.pk}:{DUE.isoformat()}"
    assert monitoring_keys("unit_a") == [f"{prefix}:7"]
    assert monitoring_keys("unit_b") == [f"{prefix}:7"]
    assert sorted(address for m in mail.outbox for address in m.to) == [
        "unit_a@example.test",
        "unit_b@example.test",
    ]

    # when it runs twice on the day after the due date
    day_after = DUE + datetime.timedelta(days=1)
    with clock.frozen(at_jakarta(day_after, 0, 15)):
        run_daily_command()
    with clock.frozen(at_jakarta(day_after, 18)):
        run_daily_command()

    # then the overdue reminder and the office's overview came once each
    assert monitoring_keys("unit_a") == [f"{prefix}:7", f"{prefix}:overdue"]
    for name in OFFICE:
        assert monitoring_keys(name) == [f"monitoring.overview:{day_after.isoformat()}"]
    assert len(mail.outbox) == 2 + 2 + len(OFFICE)
    assert OutboxEmail.objects.count() == len(mail.outbox)
    assert JobRun.objects.filter(ok=False).count() == 0


@pytest.mark.parametrize(
    ("moment", "as_of", "overdue"),
    [
        # 23:30 in Jakarta on the due date (16:30 UTC): due today, not overdue
        (datetime.datetime(2026, 2, 20, 16, 30, tzinfo=datetime.UTC), DUE, False),
        # 00:30 in Jakarta the next day (17:30 UTC of the due date): overdue
        (
            datetime.datetime(2026, 2, 20, 17, 30, tzinfo=datetime.UTC),
            DUE + datetime.timedelta(days=1),
            True,
        ),
        # 00:30 in Jakarta on the due date (17:30 UTC the day before): due
        (datetime.datetime(2026, 2, 19, 17, 30, tzinfo=datetime.UTC), DUE, False),
        # 23:30 in Jakarta the day before (16:30 UTC): the 1-day reminder
        (
            datetime.datetime(2026, 2, 19, 16, 30, tzinfo=datetime.UTC),
            DUE - datetime.timedelta(days=1),
            False,
        ),
    ],
)
def test_due_and_overdue_are_reckoned_in_jakarta(
    users, client_for, monitoring_round, moment, as_of, overdue
):
    # when the daily job runs with the clock at the moment
    with clock.frozen(moment):
        run_daily_command()
        page = client_for(users["unit_a"]).get(reverse("monitoring:index"))

    # then it runs as of the day in Jakarta
    assert JobRun.objects.latest("pk").as_of == as_of
    prefix = f"monitoring.entries:{monitoring_round.pk}:{DUE.isoformat()}"
    expected = [f"{prefix}:overdue"] if overdue else [f"{prefix}:1"]
    assert monitoring_keys("unit_a") == expected
    # the office's overview lists the round only once it is overdue
    assert bool(monitoring_keys("office")) is overdue
    # and the unit's page marks the entry overdue only then
    assert [entry.overdue for entry in page.context["entries"]] == [overdue]


def test_with_the_mail_server_down_reminders_wait_and_go_out_the_next_run(
    monitoring_round, caplog
):
    # given the mail server is down on the day after the due date
    day_after = DUE + datetime.timedelta(days=1)
    with (
        override_settings(EMAIL_BACKEND=DOWN),
        clock.frozen(at_jakarta(day_after, 0, 15)),
        caplog.at_level(logging.WARNING),
    ):
        output = run_daily_command()

    # then the reminders are in Mitra, the emails wait, the failure is logged
    expected = {"unit_a", "unit_b", *OFFICE}
    assert mail.outbox == []
    waiting = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED)
    assert waiting.count() == len(expected)
    assert "Connection refused" in " ".join(
        waiting.values_list("last_error", flat=True)
    )
    assert "not sent" in caplog.text
    assert "FAILED" not in output
    notified = set(
        Notification.objects.filter(dedupe_key__startswith="monitoring.").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == expected

    # when the server is back for the next day's run
    next_day = day_after + datetime.timedelta(days=1)
    with (
        override_settings(EMAIL_BACKEND=LOCMEM),
        clock.frozen(at_jakarta(next_day, 0, 15)),
    ):
        run_daily_command()
        run_daily_command("--job", "core.outbox")

    # then every waiting email went out once, and only the new day's overview
    # was added
    sent = [address for message in mail.outbox for address in message.to]
    assert sorted(set(sent)) == sorted(f"{name}@example.test" for name in expected)
    assert len(sent) == len(expected) + len(OFFICE)
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {
        OutboxEmail.Status.SENT
    }


def test_a_monitoring_entry_of_another_units_agreement_is_refused(
    users, client_for, monitoring_round
):
    entry_b = monitoring_round.entries.get(agreement__number="002/PKS/2024")
    client = client_for(users["unit_a"])
    data = {
        "implementation_status": "done",
        "benefits": "Bukan milik kami",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "submit": "1",
    }

    # reading, filling, posting and attaching all answer "not found"
    assert client.get(entry_b.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("monitoring:entry_edit", args=[entry_b.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("monitoring:entry_edit", args=[entry_b.pk]), data
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("monitoring:evidence_add", args=[entry_b.pk])).status_code
        == 404
    )
    # and the entry is as it was
    entry_b.refresh_from_db()
    assert not entry_b.is_submitted
    assert entry_b.benefits == ""
    # its own unit fills it
    response = client_for(users["unit_b"]).post(
        reverse("monitoring:entry_edit", args=[entry_b.pk]), data
    )
    assert response.status_code == 302


# --- Acceptance: the partner satisfaction survey (issue 6, item 2 and reminders). ---


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


# --- Acceptance of the annual evaluation report (issue 6, item 3). ---------

AFTER_THE_YEAR = datetime.date(2025, 2, 3)


@pytest.fixture
def year_data(units, monkeypatch):
    monkeypatch.setattr("mitra.surveys.selectors.survey_summary", survey_summary_2024)
    return build_year(units)


def _pick(rows, *keys):
    return [tuple(row[key] for key in keys) for row in rows]


def _counts(rows):
    return _pick(rows, "label", "new", "active", "expired", "renewed", "terminated")


def _flat(text):
    return re.sub(r"\s+", " ", text).casefold()


def test_the_figures_equal_those_counted_by_hand(year_data):
    with translation.override("en"), frozen(AFTER_THE_YEAR):
        figures = report_context(report_for(YEAR))

    # Agreements: new, active, expired, renewed, terminated
    assert [
        figures[f"{key}_count"]
        for key in ("new", "active", "expired", "renewed", "terminated")
    ] == [3, 7, 2, 1, 1]
    assert _counts(figures["by_type"]) == [
        ("MoU", 1, 1, 0, 0, 0),
        ("MoA/PKS", 2, 4, 1, 1, 0),
        ("IA", 0, 2, 1, 0, 1),
        ("Addendum", 0, 0, 0, 0, 0),
        ("Other", 0, 0, 0, 0, 0),
    ]
    assert _counts(figures["by_scope"]) == [
        ("Local/regional", 0, 2, 0, 0, 1),
        ("National", 2, 4, 2, 1, 0),
        ("International", 1, 1, 0, 0, 0),
    ]
    assert _counts(figures["by_unit"]) == [
        ("Jurusan A", 2, 3, 1, 1, 0),
        ("Jurusan B", 0, 2, 1, 0, 1),
        ("Kantor Kerja Sama Uji", 0, 2, 1, 0, 0),
        ("(no unit)", 1, 1, 0, 0, 0),
    ]
    assert _counts(figures["by_field"]) == [
        ("Education", 2, 3, 1, 0, 0),
        ("Research", 2, 3, 1, 1, 0),
        ("Community service", 0, 1, 0, 0, 1),
        ("(no field)", 0, 1, 0, 0, 0),
    ]
    assert [row["agreement_number"] for row in figures["new_agreements"]] == [
        "A1/2024",
        "A2/2024",
        "A4/2024",
    ]
    assert [
        (row["agreement_number"], row["how"], row["renewal"])
        for row in figures["ended_agreements"]
    ] == [
        ("A9/2021", "Expired", "In renewal"),
        ("A3/2021", "Expired", "Renewed by A4/2024"),
        ("A5/2023", "Terminated", ""),
    ]

    # Targets: JA's 2 agreements met, the institution's 5 activities at 40%
    assert [
        (row["unit"], row["target"], row["achieved"], row["percent"], row["met"])
        for row in figures["targets"]
    ] == [("Institution", 5, 2, 40, "no"), ("Jurusan A", 2, 2, 100, "yes")]
    assert (figures["target_count"], figures["targets_met_count"]) == (2, 1)

    # Activities, participants and outputs
    assert figures["activity_count"] == 3
    assert [
        figures[key]
        for key in ("students", "students_credited", "certificates", "lecturers")
    ] == [18, 11, 5, 3]
    assert _pick(
        figures["activities_by_unit"],
        "label",
        "activities",
        "students",
        "students_credited",
        "certificates",
        "lecturers",
    ) == [
        ("Jurusan A", 2, 15, 8, 5, 3),
        ("Jurusan B", 1, 3, 3, 0, 0),
        ("Kantor Kerja Sama Uji", 0, 0, 0, 0, 0),
    ]
    assert figures["activities_by_form"] == [
        {"label": "(no form given)", "count": 2},
        {"label": "Magang Uji", "count": 1},
    ]
    assert (figures["activities_with_output"], figures["output_count"]) == (2, 1)
    assert {"label": "Prototype", "count": 1} in figures["outputs_by_kind"]

    # Monitoring, survey, dormant agreements
    assert _pick(
        figures["monitoring_rounds"],
        "title",
        "entries",
        "submitted",
        "percent",
        "ongoing",
        "done",
        "not_started",
        "stalled",
    ) == [("Monitoring 2024", 3, 2, 67, 1, 1, 0, 0)]
    assert figures["survey"]["service_index"] == "82.50"
    assert figures["survey"]["grade"] == "B"
    assert figures["survey"]["cooperation_index"] == "79.25"
    assert figures["survey_weakest"] == [
        {"number": "1", "item": "Waktu penyelesaian", "mean": "2.86"}
    ]
    assert [row["agreement_number"] for row in figures["dormant"]] == ["A10/2019"]
    assert figures["as_of"] == "31 December 2024"


def test_the_docx_reads_back_and_the_pdf_has_every_heading(year_data, users):
    head = users["head"]
    evaluation_save(
        year=YEAR,
        by=users["office"],
        analysis="Kerja sama tumbuh.\n\nMonitoring belum lengkap.",
        problems="Jadwal mitra berubah.",
        follow_up_plan="Menambah MoA di Jurusan B.",
        place="Batam",
        signatory_name="Dr. Kepala Uji",
        signatory_id_number="198001012005011001",
    )

    with frozen(AFTER_THE_YEAR):
        document = evaluation_issue(year=YEAR, by=head)

    with document.docx_file.open("rb") as handle:
        data = handle.read()
    word = Document(io.BytesIO(data))
    chapters = [
        paragraph.text
        for paragraph in word.paragraphs
        if paragraph.style.name == "Heading 1"
    ]
    assert chapters == [
        f"{number}. {translation.gettext(title).upper()}"
        for _key, number, title in CHAPTERS
    ]
    text = docx_text(data)
    assert "FO.28.2.1" in text
    assert report_title(YEAR).upper() in text
    assert "Kerja sama tumbuh." in text and "Monitoring belum lengkap." in text
    assert f"Batam, {long_date(AFTER_THE_YEAR)}" in text
    assert "NIP. 198001012005011001" in text
    assert "Magang industri" in text
    assert len(word.tables) > 8

    with document.pdf_file.open("rb") as handle:
        printed = _flat(pdf_text(handle.read()))
    headings = [title for _key, _number, title in CHAPTERS + SECTIONS]
    for heading in headings:
        assert _flat(translation.gettext(heading)) in printed, heading
    assert _flat(report_title(YEAR)) in printed
    assert "fo.28.2.1" in printed
    assert "dr. kepala uji" in printed


def test_an_issued_report_does_not_change_with_the_data(year_data, users, units):
    head, office = users["head"], users["office"]
    evaluation_save(year=YEAR, by=office, follow_up_plan="Rencana pertama.")
    with frozen(AFTER_THE_YEAR):
        first = evaluation_issue(year=YEAR, by=head)
    with first.pdf_file.open("rb") as handle:
        first_pdf = handle.read()

    # when the records and the draft change afterwards
    AgreementFactory(
        number="LATE/2024",
        signed_on=datetime.date(2024, 12, 1),
        start_date=datetime.date(2024, 12, 1),
        units=[units["jb"]],
    )
    year_data["agreements"]["A10"].delete()
    evaluation_save(year=YEAR, by=office, follow_up_plan="Rencana kedua.")

    # then the issued version is as it was
    first.refresh_from_db()
    assert first.snapshot["new_count"] == 3
    assert first.snapshot["active_count"] == 7
    assert first.snapshot["dormant_count"] == 1
    assert first.snapshot["follow_up_plan"] == "Rencana pertama."
    with first.pdf_file.open("rb") as handle:
        assert handle.read() == first_pdf
    assert follow_up_plan(YEAR) == "Rencana pertama."
    with frozen(AFTER_THE_YEAR):
        live = report_context(report_for(YEAR))
    assert (live["new_count"], live["dormant_count"]) == (4, 0)


def test_issuing_again_makes_version_2_and_version_1_stays_readable(
    year_data, users, units, client_for
):
    head, office = users["head"], users["office"]
    with frozen(AFTER_THE_YEAR):
        first = evaluation_issue(year=YEAR, by=head)
        AgreementFactory(
            number="LATE/2024",
            signed_on=datetime.date(2024, 12, 1),
            start_date=datetime.date(2024, 12, 1),
        )
        evaluation_save(year=YEAR, by=office, follow_up_plan="Revisi.")
        second = evaluation_issue(year=YEAR, by=head)

    assert (first.version, second.version) == (1, 2)
    assert second.supersedes == first
    assert (first.snapshot["new_count"], second.snapshot["new_count"]) == (3, 4)
    assert follow_up_plan(YEAR) == "Revisi."

    # version 1 is still listed and downloadable, by unit staff too
    client = client_for(users["unit_a"])
    page = client.get(reverse("reports:evaluation_versions", args=[YEAR]))
    assert page.status_code == 200
    assert "v1" in page.content.decode() and "v2" in page.content.decode()
    old = client.get(reverse("documents:issued_file", args=[first.pk]) + "?format=pdf")
    assert old.status_code == 200
    assert "A1/2024" in pdf_text(response_bytes(old))


def test_an_empty_year_gives_an_honest_empty_report(users):
    with frozen(datetime.date(2025, 1, 15)), translation.override("en"):
        figures = report_context(report_for(2023))
        document = evaluation_issue(year=2023, by=users["head"])

    assert [
        figures[f"{key}_count"]
        for key in ("new", "active", "expired", "renewed", "terminated")
    ] == [0, 0, 0, 0, 0]
    assert all(row["active"] == 0 for row in figures["by_type"])
    assert figures["targets"] == []
    assert figures["targets_note"] == "No targets were set for this year."
    assert figures["activity_count"] == 0 and figures["activities"] == []
    assert figures["monitoring_note"] == "No monitoring round was held this year."
    assert figures["survey_note"] == (
        "No partner satisfaction survey was closed this year."
    )
    assert figures["dormant"] == []
    assert document.version == 1
    with document.pdf_file.open("rb") as handle:
        printed = _flat(pdf_text(handle.read()))
    assert "no targets were set for this year." in printed
    assert "not written." in printed
    assert follow_up_plan(2023) == ""
    assert follow_up_plan(2022) is None
