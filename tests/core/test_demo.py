"""The demo loads whole: every row of its register, one user per role, and
a year of work on every page of the procedure."""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from mitra.agreements.models import Agreement, Participation
from mitra.core.clock import frozen
from mitra.core.management.commands.load_demo import REGISTER
from mitra.core.models import Role, User
from mitra.monitoring.models import MonitoringRound, period_bounds
from mitra.records.models import PolicyDocument, Record
from mitra.records.services import disposable_records
from mitra.reports.models import ActivityOutput
from mitra.surveys.models import Round, RoundStatus
from mitra.surveys.services import link_find, link_usable


def test_the_demo_loads_every_agreement_and_a_user_per_role(db):
    out = io.StringIO()

    call_command("load_demo", "--if-empty", stdout=out)

    assert Agreement.objects.exclude(status="draft").count() == len(REGISTER)
    assert {user.role for user in User.objects.filter(is_superuser=False)} == set(
        Role.values
    )
    assert User.objects.filter(is_superuser=True).exists()
    assert "mitra-demo-2026" in out.getvalue()

    call_command("load_demo", "--if-empty", stdout=io.StringIO())
    assert Agreement.objects.exclude(status="draft").count() == len(REGISTER)


def test_the_demo_holds_a_year_of_work_to_try_every_page_on(db, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.MITRA_BASE_URL = "http://127.0.0.1:8300"  # as `make run PORT=8300`
    out = io.StringIO()

    call_command("load_demo", "--if-empty", stdout=out)

    # every kind of record in the register, issued through its own page's service
    assert set(Record.objects.values_list("record_type__code", flat=True)) == {
        "mapping",
        "satisfaction_survey",
        "evaluation_report",
        "minutes",
        "programme",
        "monitoring_recap",
    }
    # and one whose retention has ended, for the disposal list
    assert disposable_records().count() == 1
    # last year closed and issued, this year open and partly answered
    rounds = {r.status for r in MonitoringRound.objects.all()}
    assert rounds == {"open", "closed"}
    last, this = Round.objects.order_by("year")
    assert last.status == RoundStatus.CLOSED and last.responses.exists()
    assert this.status == RoundStatus.OPEN
    assert this.invitations.filter(responded=False).exists()
    assert this.responses.count() == 3
    # the printed survey link is a working one, of an unanswered invitation
    assert "http://127.0.0.1:8300 " in out.getvalue()  # where to log in
    token = re.search(r"8300/surveys/s/([\w-]+)/", out.getvalue()).group(1)
    link = link_find(token)
    assert link is not None and link_usable(link)
    # the indicators have evidence of each kind
    assert PolicyDocument.objects.filter(is_published=True).count() == 3
    assert ActivityOutput.objects.exists()
    assert Participation.objects.filter(certificates__gt=0).exists()
    # the demo's emails (to addresses that cannot exist) were not printed
    assert "Subject:" not in out.getvalue() + capsys.readouterr().out


@pytest.mark.parametrize(
    "day",
    [datetime.date(2027, 1, 6), datetime.date(2027, 3, 15), datetime.date(2027, 7, 31)],
)
def test_the_demo_loads_on_any_day_of_the_year(db, day):
    # the even semester, the odd one across the new year, early planning
    with frozen(day):
        call_command("load_demo", "--if-empty", stdout=io.StringIO())

    open_round = MonitoringRound.objects.get(status="open")
    start, end = period_bounds(open_round.period_kind, open_round.year)
    assert start <= day <= end
    assert Round.objects.filter(status=RoundStatus.OPEN).count() == 1
