"""The daily job: every periodic task of Mitra, run once a day by cron.

Each app registers its jobs in its own `jobs` module (`mitra/<app>/jobs.py`)::

    from mitra.core.daily import register

    @register("monitoring.entries_due")
    def entries_due(as_of):
        ...
        return {"reminded": count}

`run_daily(as_of)` imports those modules, runs every job in `order` (then
name) and records each run as a `JobRun`; one job failing does not stop the
others. A job must keep these promises:

* **Ask what is due, not what happens today.** Select everything due on or
  before `as_of` that has not been done yet, so a day the server was down is
  caught up by the next run without replaying each date. When several steps
  of one reminder are due at once after a gap, send only the latest
  (`latest_due_lead`).
* **Do each thing once.** Give every notification and email a dedupe key
  (`dedupe_key(...)`) naming the job, the record and the step; a second run
  on the same day, or two runs at once, then create nothing new.
* **Leave sending to the outbox.** Queue emails with `immediate=False`; the
  outbox step (`core.outbox`, registered last) sends them in the same run
  and retries failures on later runs, so no email is lost.
* **Reckon dates in Asia/Jakarta.** `as_of` is a local date from
  `mitra.core.clock.today()`; something due on a day is overdue only from
  the next day (`is_overdue`).

A job runs inside one transaction (unless registered with `atomic=False`),
so a job that fails leaves nothing half-done and is simply tried again on
the next run.
"""

import dataclasses
import datetime
import hashlib
import json
import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from mitra.core import clock
from mitra.core.models import JobRun

logger = logging.getLogger(__name__)

_DEDUPE_KEY_LENGTH = 200


@dataclasses.dataclass(frozen=True)
class Job:
    """A registered job: `function(as_of) -> dict` and when it runs."""

    name: str
    function: Callable[[datetime.date], dict]
    order: int = 100
    atomic: bool = True


_registry: dict[str, Job] = {}
_discovered = False


def register(name, *, order=100, atomic=True):
    """Register the decorated `job(as_of: date) -> dict` under `name`.

    Lower `order` runs first. `atomic=False` runs the job outside a
    transaction, for jobs with effects outside the database (sending mail).
    """

    def decorator(function):
        existing = _registry.get(name)
        if existing is not None and _origin(existing.function) != _origin(function):
            raise ImproperlyConfigured(f"Two daily jobs are named {name!r}.")
        _registry[name] = Job(name=name, function=function, order=order, atomic=atomic)
        return function

    return decorator


def _origin(function):
    return f"{function.__module__}.{function.__qualname__}"


def discover():
    """Import every installed app's `jobs` module (once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True


def registered_jobs():
    """Return the registered jobs in the order they run."""
    discover()
    return sorted(_registry.values(), key=lambda job: (job.order, job.name))


def run_daily(as_of=None, *, only=None):
    """Run every registered job (or those named in `only`) as of a date.

    `as_of` defaults to today in the institution's time zone. Return the
    `JobRun` of each job, in the order run.
    """
    as_of = as_of or clock.today()
    jobs = registered_jobs()
    if only is not None:
        unknown = set(only) - {job.name for job in jobs}
        if unknown:
            raise ValueError(f"Unknown daily jobs: {', '.join(sorted(unknown))}")
        jobs = [job for job in jobs if job.name in only]

    runs = [_run(job, as_of) for job in jobs]
    failed = [run.job for run in runs if not run.ok]
    logger.info(
        "Daily job as of %s: %s jobs run, %s failed%s",
        as_of,
        len(runs),
        len(failed),
        f" ({', '.join(failed)})" if failed else "",
    )
    return runs


def _run(job, as_of):
    run = JobRun.objects.create(job=job.name, as_of=as_of)
    try:
        if job.atomic:
            with transaction.atomic():
                summary = job.function(as_of)
        else:
            summary = job.function(as_of)
    except Exception as error:  # one job failing must not stop the others
        logger.exception("Daily job %s failed", job.name)
        run.ok = False
        run.error = f"{type(error).__name__}: {error}"
    else:
        run.ok = True
        run.summary = _jsonable(summary or {})
    run.finished_at = clock.now()
    run.save(update_fields=["ok", "summary", "error", "finished_at"])
    return run


def _jsonable(summary):
    return json.loads(json.dumps(summary, cls=DjangoJSONEncoder))


# --- Helpers for jobs ---------------------------------------------------------


def dedupe_key(*parts):
    """Return a dedupe key made of `parts`, e.g. ("agreements.expiry", 7, 90).

    Keys longer than the column are shortened with a hash, staying unique.
    """
    key = ":".join(str(part) for part in parts)
    if len(key) <= _DEDUPE_KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: _DEDUPE_KEY_LENGTH - len(digest) - 1]}:{digest}"


def latest_due_lead(deadline, as_of, leads):
    """Return the lead time (days) whose reminder is due, or None.

    A reminder `lead` days before `deadline` is due from `deadline - lead`
    until the deadline itself. When several are due at once (after a gap),
    only the nearest to the deadline counts: the others are out of date.
    """
    if deadline is None or as_of > deadline:
        return None
    days_left = (deadline - as_of).days
    due = [lead for lead in leads if lead >= days_left]
    return min(due) if due else None


def is_overdue(due_date, as_of):
    """Whether something due on `due_date` is overdue on `as_of`.

    Something due today is not overdue until the day has ended (in the
    institution's time zone, which is what `as_of` is reckoned in).
    """
    return due_date is not None and due_date < as_of
