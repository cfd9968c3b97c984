"""Monitoring rounds: asking every unit how its agreements are carried out.

A *monitoring round* (the source procedure's form BO.28.1.2) covers one
period: a semester of the academic year — *ganjil* (odd, August to January)
or *genap* (even, February to July) — or a calendar year. Opening a round
creates one *entry* per agreement in force on the round's reference date,
assigned to whoever answers for that agreement: its responsible person, else
the staff of its units (for a unit without staff of its own, such as a prodi
run by its jurusan, the staff of the nearest unit above it). Each entry
says how far the agreement is carried out (not started, ongoing, done,
stalled), which of its activities took place in the period, the benefits,
the obstacles and the follow-up, with evidence files. When the round
closes its recap is issued (frozen, versioned) as a printed form.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import validate_evidence_file


class PeriodKind(models.TextChoices):
    """The span a round covers."""

    ODD_SEMESTER = "odd", _("Odd semester (ganjil, August to January)")
    EVEN_SEMESTER = "even", _("Even semester (genap, February to July)")
    YEAR = "year", _("Calendar year")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ImplementationStatus(models.TextChoices):
    """How far an agreement is carried out, as its unit reports it."""

    NOT_STARTED = "not_started", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    STALLED = "stalled", _("Stalled")


def period_bounds(kind, year):
    """Return the first and last day of a period.

    For a semester `year` is the first year of the academic year (2025 for
    2025/2026): the odd semester runs August 2025 to January 2026, the even
    one February to July 2026.
    """
    if kind == PeriodKind.ODD_SEMESTER:
        return datetime.date(year, 8, 1), datetime.date(year + 1, 1, 31)
    if kind == PeriodKind.EVEN_SEMESTER:
        return datetime.date(year + 1, 2, 1), datetime.date(year + 1, 7, 31)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def period_label(kind, year):
    """Return how a period is named, e.g. "Odd semester 2025/2026"."""
    if kind == PeriodKind.ODD_SEMESTER:
        return _("Odd semester %(first)s/%(second)s") % {
            "first": year,
            "second": year + 1,
        }
    if kind == PeriodKind.EVEN_SEMESTER:
        return _("Even semester %(first)s/%(second)s") % {
            "first": year,
            "second": year + 1,
        }
    return _("Year %(year)s") % {"year": year}


class MonitoringRound(TimeStampedModel):
    """One round of monitoring over a period, with a due date for the units."""

    title = models.CharField(_("title"), max_length=200)
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices
    )
    year = models.PositiveIntegerField(
        _("year"),
        help_text=_(
            "For a semester, the first year of the academic year (2025 for 2025/2026)."
        ),
    )
    reference_date = models.DateField(
        _("reference date"),
        help_text=_("Agreements in force on this day get an entry."),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.OPEN,
    )
    notes = models.TextField(_("notes for the units"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-reference_date", "-pk"]
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "year"], name="one_monitoring_round_per_period"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("monitoring:round", args=[self.pk])

    @property
    def is_open(self):
        return self.status == RoundStatus.OPEN

    @property
    def period_start(self):
        return period_bounds(self.period_kind, self.year)[0]

    @property
    def period_end(self):
        return period_bounds(self.period_kind, self.year)[1]

    @property
    def period_display(self):
        return period_label(self.period_kind, self.year)


class MonitoringEntryQuerySet(GatedQuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def pending(self):
        return self.filter(submitted_at__isnull=True)


class MonitoringEntry(TimeStampedModel):
    """What a unit reports on one agreement in one round."""

    round = models.ForeignKey(
        MonitoringRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="monitoring_entries",
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        blank=True,
        related_name="monitoring_entries",
        help_text=_(
            "The agreement's responsible person, else the staff of its units "
            "when the round was opened."
        ),
    )
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=20,
        choices=ImplementationStatus.choices,
        blank=True,
    )
    activities = models.ManyToManyField(
        "agreements.Activity",
        verbose_name=_("activities carried out in the period"),
        blank=True,
        related_name="monitoring_entries",
    )
    benefits = models.TextField(_("benefits"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MonitoringEntryQuerySet.as_manager()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("monitoring entry")
        verbose_name_plural = _("monitoring entries")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agreement"], name="one_entry_per_agreement_and_round"
            )
        ]

    def __str__(self):
        return f"{self.round} — {self.agreement}"

    def get_absolute_url(self):
        return reverse("monitoring:entry", args=[self.pk])

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class MonitoringEvidence(models.Model):
    """A file backing a monitoring entry (report, photo, attendance list)."""

    entry = models.ForeignKey(
        MonitoringEntry,
        verbose_name=_("entry"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    description = models.CharField(_("description"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to=private_upload_to,
        max_length=300,
        validators=[validate_evidence_file],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("monitoring evidence")
        verbose_name_plural = _("monitoring evidence")

    def __str__(self):
        return self.description
