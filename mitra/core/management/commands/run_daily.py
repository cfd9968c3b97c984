"""`manage.py run_daily [--date YYYY-MM-DD] [--job NAME ...]`: the daily job.

Run it once a day from cron (see the README). It exits non-zero when any
job failed; every run is recorded in the job runs list of the admin.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mitra.core.daily import registered_jobs, run_daily


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("Not a date: %(text)s (expected YYYY-MM-DD).") % {"text": text}
        ) from None


class Command(BaseCommand):
    help = "Run every daily job (reminders, outbox retry, …) as of a date."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The as-of date, YYYY-MM-DD (default: today in Asia/Jakarta).",
        )
        parser.add_argument(
            "--job",
            action="append",
            dest="jobs",
            metavar="NAME",
            help="Run only this job (repeatable), e.g. --job core.outbox.",
        )
        parser.add_argument(
            "--list",
            action="store_true",
            dest="list_jobs",
            help="List the jobs in the order they run, and stop.",
        )

    def handle(self, *args, date=None, jobs=None, list_jobs=False, **options):
        if list_jobs:
            for job in registered_jobs():
                self.stdout.write(f"{job.order:>5}  {job.name}")
            return

        as_of = _date(date) if date else None
        try:
            runs = run_daily(as_of, only=jobs)
        except ValueError as error:
            raise CommandError(str(error)) from error

        for run in runs:
            if run.ok:
                summary = json.dumps(run.summary, ensure_ascii=False, sort_keys=True)
                self.stdout.write(f"{run.as_of} {run.job}: ok {summary}")
            else:
                self.stderr.write(f"{run.as_of} {run.job}: FAILED {run.error}")
        failed = [run.job for run in runs if not run.ok]
        if failed:
            raise CommandError(
                _("%(count)s job(s) failed: %(jobs)s")
                % {"count": len(failed), "jobs": ", ".join(failed)}
            )
