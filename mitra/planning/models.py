"""Planning of cooperation: what the office works from each year.

The head of the cooperation office identifies cooperation to start from four
inputs (the procedure *Inisiasi Kerjasama*): the mapping of cooperation types
against each unit's needs, the year's targets, last year's partner
satisfaction survey and last year's evaluation report. This app holds the
records the office itself keeps for that:

* `CooperationType` — a form of cooperation (*jenis kerjasama*): internship,
  joint research, credit transfer, … kept as data the office can extend;
* `NeedsMapping` and `NeedCell` — the mapping for a year: for each unit
  (jurusan, prodi, service unit) and each active cooperation type, how much
  the unit needs that kind of cooperation and with what kind of partner;
* `AnnualTargetSet` and `AnnualTarget` — how many agreements (or activities)
  the institution and each unit aim for in a year, approved by the head;
* `Meeting`, `MeetingAttendee`, `ActionItem` — meetings and their minutes
  (*notulen*, form BO.29.3.1) with the actions agreed;
* `AnnualProgramme` and `ProgrammeItem` — the annual cooperation programme
  (*Program Kerjasama*): the initiatives planned for a year;
* `MultiYearPlan` — the uploaded multi-year plan (*Renstra kerja sama*).

A mapping, the minutes of a meeting and a programme become official by being
*issued* (`mitra.documents`): the issued version is frozen, the record is then
locked, and a change means starting a new version that is issued again.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.agreements.models import DocumentType
from mitra.core.fields import Scope, TridharmaFieldsModel, name_in_language
from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import FileValidator

validate_plan_file = FileValidator("pdf", "docx")


class CooperationType(TridharmaFieldsModel, TimeStampedModel):
    """A form of cooperation activity, tagged with the fields it serves."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("cooperation type")
        verbose_name_plural = _("cooperation types")

    def __str__(self):
        return name_in_language(self.name, self.name_en)

    def get_absolute_url(self):
        return reverse("planning:type_edit", args=[self.pk])


# --- Needs mapping ----------------------------------------------------------


class NeedLevel(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


#: Levels that count as a need (a gap when nothing covers them).
NEEDED_LEVELS = (NeedLevel.LOW, NeedLevel.MEDIUM, NeedLevel.HIGH)


class IssueStatus(models.TextChoices):
    """Whether a record is being prepared or its current version is official."""

    DRAFT = "draft", _("Being prepared")
    ISSUED = "issued", _("Issued")


class NeedsMapping(TimeStampedModel):
    """The mapping of cooperation types against units' needs for one year."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IssueStatus.choices,
        default=IssueStatus.DRAFT,
    )
    instructions = models.TextField(
        _("instructions for units"),
        blank=True,
        help_text=_("Shown to unit staff when they fill their rows."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("needs mapping")
        verbose_name_plural = _("needs mappings")

    def __str__(self):
        return _("Needs mapping %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("planning:mapping", args=[self.year])

    @property
    def is_issued(self):
        return self.status == IssueStatus.ISSUED


class NeedCell(TimeStampedModel):
    """One unit's need for one cooperation type in a year's mapping."""

    mapping = models.ForeignKey(
        NeedsMapping,
        verbose_name=_("needs mapping"),
        on_delete=models.CASCADE,
        related_name="cells",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="need_cells",
    )
    cooperation_type = models.ForeignKey(
        CooperationType,
        verbose_name=_("cooperation type"),
        on_delete=models.PROTECT,
        related_name="need_cells",
    )
    level = models.CharField(
        _("need"), max_length=10, choices=NeedLevel.choices, default=NeedLevel.NONE
    )
    notes = models.TextField(_("notes"), blank=True)
    partner_profile = models.CharField(
        _("partner profile wanted"),
        max_length=300,
        blank=True,
        help_text=_("What kind of partner would serve this need."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "cooperation_type__ordering"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "unit", "cooperation_type"],
                name="one_need_per_unit_and_type",
            )
        ]

    def __str__(self):
        return f"{self.unit} — {self.cooperation_type}: {self.get_level_display()}"

    @property
    def is_needed(self):
        return self.level in NEEDED_LEVELS


# --- Annual targets ---------------------------------------------------------


class TargetMeasure(models.TextChoices):
    """What a target counts."""

    AGREEMENTS = "agreements", _("Agreements signed in the year")
    ACTIVITIES = "activities", _("Activities started in the year")


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Waiting for approval")
    APPROVED = "approved", _("Approved")


class AnnualTargetSet(TimeStampedModel):
    """The targets of one year as a whole: their approval by the head.

    Any change to a target after approval returns the year to waiting for
    approval; `approved_at` then still tells when it was last approved.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.DRAFT,
    )
    notes = models.TextField(_("notes"), blank=True)
    approved_at = models.DateTimeField(_("last approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual targets")
        verbose_name_plural = _("annual targets")

    def __str__(self):
        return _("Targets %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("planning:targets", args=[self.year])

    @property
    def is_approved(self):
        return self.status == ApprovalStatus.APPROVED


class AnnualTarget(TimeStampedModel):
    """How many agreements (or activities) a unit, or the institution, aims for.

    Empty criteria mean "any": no unit is the institution's total, no
    document type counts every type, and so on.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        db_index=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text=_("Empty: the institution as a whole."),
    )
    measure = models.CharField(
        _("counts"),
        max_length=20,
        choices=TargetMeasure.choices,
        default=TargetMeasure.AGREEMENTS,
    )
    document_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        blank=True,
        help_text=_("Empty: any type."),
    )
    scope = models.CharField(
        _("scope"),
        max_length=20,
        choices=Scope.choices,
        blank=True,
        help_text=_("Empty: any scope."),
    )
    cooperation_type = models.ForeignKey(
        CooperationType,
        verbose_name=_("cooperation type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text=_("Empty: any cooperation type."),
    )
    count = models.PositiveIntegerField(_("target"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "unit__code", "measure", "document_type", "pk"]
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=0), name="annual_target_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.describe()} = {self.count}"

    def describe(self):
        """Return the target's criteria as one line ("MoU, national, …")."""
        parts = [str(self.unit) if self.unit_id else str(_("Institution"))]
        parts.append(self.get_measure_display())
        if self.document_type:
            parts.append(self.get_document_type_display())
        if self.scope:
            parts.append(self.get_scope_display())
        if self.cooperation_type_id:
            parts.append(str(self.cooperation_type))
        return ", ".join(str(part) for part in parts)


# --- Meetings and minutes -----------------------------------------------------


class MeetingKind(models.TextChoices):
    INTERNAL = "internal", _("Internal cooperation meeting")
    UNIT = "unit", _("Meeting with a unit")
    PARTNER = "partner", _("Meeting with a partner")


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Minutes being written")
    APPROVED = "approved", _("Minutes approved")


class Meeting(TimeStampedModel):
    """A meeting and its minutes (*notulen*, form BO.29.3.1)."""

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(
        _("minutes number"),
        max_length=120,
        blank=True,
        help_text=_("Given when the minutes are approved, if a pattern is set."),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit met"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner met"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chaired by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    minute_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes taken by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    discussion = models.TextField(_("discussion"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=models.F("start_time")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("planning:meeting", args=[self.pk])

    @property
    def is_approved(self):
        return self.status == MinutesStatus.APPROVED


class MeetingAttendee(models.Model):
    """Someone at a meeting: a Mitra user, or a guest named by hand."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_attended",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    present = models.BooleanField(_("present"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="attendee_has_user_or_name",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name or (str(self.user) if self.user_id else "")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActionItem(TimeStampedModel):
    """Something a meeting agreed someone will do by a date."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse("planning:meeting", args=[self.meeting_id]) + "#actions"

    @property
    def is_open(self):
        return self.status == ActionStatus.OPEN


# --- The annual programme ---------------------------------------------------


class AnnualProgramme(TimeStampedModel):
    """The annual cooperation programme (*Program Kerjasama*) of one year.

    Approved by the head, which issues it; `approved_on` keeps the date of
    the last approval while a new version is being prepared, because the
    issued version stays the programme in force until it is superseded.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IssueStatus.choices,
        default=IssueStatus.DRAFT,
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual cooperation programme")
        verbose_name_plural = _("annual cooperation programmes")

    def __str__(self):
        return _("Cooperation programme %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("planning:programme", args=[self.year])

    @property
    def is_issued(self):
        return self.status == IssueStatus.ISSUED


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ProgrammeItem(TimeStampedModel):
    """One planned initiative of an annual programme."""

    programme = models.ForeignKey(
        AnnualProgramme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    title = models.CharField(_("initiative"), max_length=300)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    partner_profile = models.CharField(
        _("partner profile wanted"),
        max_length=300,
        blank=True,
        help_text=_("When no partner is known yet: the kind of partner sought."),
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    cooperation_types = models.ManyToManyField(
        CooperationType,
        verbose_name=_("cooperation types"),
        blank=True,
        related_name="programme_items",
    )
    start_month = models.PositiveSmallIntegerField(
        _("from month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    end_month = models.PositiveSmallIntegerField(
        _("to month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    budget = models.DecimalField(
        _("budget (IDR)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ItemStatus.choices,
        default=ItemStatus.PLANNED,
    )
    target = models.ForeignKey(
        AnnualTarget,
        verbose_name=_("serves target"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("resulting agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("from proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_items",
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["start_month", "pk"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__isnull=True)
                | Q(start_month__isnull=True)
                | Q(end_month__gte=models.F("start_month")),
                name="programme_item_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("planning:programme", args=[self.programme.year])


# --- Multi-year plan ----------------------------------------------------------


class MultiYearPlan(TimeStampedModel):
    """The cooperation office's uploaded multi-year plan (*Renstra kerja sama*).

    The plan itself is written outside Mitra; Mitra keeps each approved file
    with the years it covers, so that the plan in force for a year is known.
    """

    title = models.CharField(_("title"), max_length=300)
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    file = models.FileField(
        _("plan (PDF or DOCX)"),
        upload_to=private_upload_to,
        max_length=300,
        validators=[validate_plan_file],
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-pk"]
        verbose_name = _("multi-year plan")
        verbose_name_plural = _("multi-year plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="multi_year_plan_years_in_order",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.start_year}\u2013{self.end_year})"

    def get_absolute_url(self):
        return reverse("planning:plans")

    def covers(self, year):
        return self.start_year <= year <= self.end_year
