"""Cooperation documents and the activities carried out under them.

Documents nest: an MoU (*Nota Kesepahaman*, the institution-level framework)
is implemented by MoAs (*PKS*, *Perjanjian Kerja Sama*, concrete agreements
of a department or unit), which are implemented by IAs (*Implementation
Arrangements*, activity-level, often yearly). The stored status is only the
workflow step; whether a signed agreement is in force, expiring or expired
is always computed from its dates, so it can never be stale.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.fields import Scope, TridharmaFieldsModel
from mitra.core.files import private_upload_to
from mitra.core.models import TimeStampedModel
from mitra.core.validators import validate_evidence_file, validate_pdf


class DocumentType(models.TextChoices):
    MOU = "mou", _("MoU")
    MOA = "moa", _("MoA/PKS")
    IA = "ia", _("IA")
    ADDENDUM = "addendum", _("Addendum")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """Workflow step of an agreement; validity is computed from dates."""

    DRAFT = "draft", _("Draft")
    NEGOTIATION = "negotiation", _("In negotiation")
    SIGNED = "signed", _("Signed")
    IN_RENEWAL = "in_renewal", _("In renewal")
    TERMINATED = "terminated", _("Terminated")


#: Statuses of a record not yet in force: seen only by those involved.
PRE_SIGNING = (Status.DRAFT, Status.NEGOTIATION)
#: Statuses under which the dates decide whether an agreement is in force.
SIGNED_STATUSES = (Status.SIGNED, Status.IN_RENEWAL)


class Validity(models.TextChoices):
    """Where a signed agreement stands on a given day."""

    NOT_SIGNED = "not_signed", _("Not signed yet")
    NOT_STARTED = "not_started", _("Not started yet")
    IN_FORCE = "in_force", _("In force")
    EXPIRING = "expiring", _("Expiring")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


def expiring_days():
    return settings.MITRA_EXPIRING_DAYS


class AgreementQuerySet(models.QuerySet):
    def for_user(self, user):
        from mitra.core.permissions import visible

        return visible(user, self)

    def in_force(self, today):
        """Signed agreements whose dates include `today` (expiring included)."""
        return self.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            status__in=SIGNED_STATUSES,
            start_date__lte=today,
        )

    def expiring(self, today, days=None):
        """In-force agreements ending within the expiring window."""
        days = expiring_days() if days is None else days
        return self.in_force(today).filter(
            end_date__lte=today + datetime.timedelta(days=days)
        )

    def expired(self, today):
        return self.filter(status__in=SIGNED_STATUSES, end_date__lt=today)

    def with_validity(self, today, days=None):
        """Annotate `validity` (a Validity value) as of `today`."""
        days = expiring_days() if days is None else days
        horizon = today + datetime.timedelta(days=days)
        return self.annotate(
            validity=Case(
                When(status=Status.TERMINATED, then=Value(Validity.TERMINATED)),
                When(status__in=PRE_SIGNING, then=Value(Validity.NOT_SIGNED)),
                When(start_date__gt=today, then=Value(Validity.NOT_STARTED)),
                When(end_date__lt=today, then=Value(Validity.EXPIRED)),
                When(end_date__lte=horizon, then=Value(Validity.EXPIRING)),
                default=Value(Validity.IN_FORCE),
                output_field=models.CharField(),
            )
        )

    def filter_validity(self, value, today):
        return self.with_validity(today).filter(validity=value)

    def with_effective_scope(self):
        """Annotate `effective_scope_value`: own scope, else the partner's."""
        return self.annotate(
            effective_scope_value=Coalesce(NullIf("scope", Value("")), "partner__scope")
        )


class Agreement(TridharmaFieldsModel, TimeStampedModel):
    """One cooperation document: MoU, MoA/PKS, IA, addendum or other."""

    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    number = models.CharField(
        _("our number"),
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Left empty for a draft; issued at signing."),
    )
    partner_number = models.CharField(_("partner's number"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=500)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    parents = models.ManyToManyField(
        "self",
        verbose_name=_("parent documents"),
        symmetrical=False,
        blank=True,
        related_name="children",
        help_text=_("The MoU(s) an MoA implements, or the MoA an IA implements."),
    )
    no_parent_reason = models.CharField(
        _("reason for having no parent"), max_length=300, blank=True
    )
    units = models.ManyToManyField(
        "core.Unit", verbose_name=_("units"), blank=True, related_name="agreements"
    )
    cooperation_types = models.ManyToManyField(
        "planning.CooperationType",
        verbose_name=_("cooperation types"),
        blank=True,
        related_name="agreements",
    )
    scope = models.CharField(
        _("scope"),
        max_length=20,
        choices=Scope.choices,
        blank=True,
        help_text=_("Leave empty to use the partner's scope."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an open-ended agreement."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    our_signatory_name = models.CharField(
        _("our signatory"), max_length=200, blank=True
    )
    our_signatory_position = models.CharField(
        _("our signatory's position"), max_length=200, blank=True
    )
    partner_signatory_name = models.CharField(
        _("partner's signatory"), max_length=200, blank=True
    )
    partner_signatory_position = models.CharField(
        _("partner's signatory's position"), max_length=200, blank=True
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_agreements",
        help_text=_("When empty, the contacts of the agreement's units."),
    )
    partner_contact = models.ForeignKey(
        "partners.Contact",
        verbose_name=_("partner's responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    value = models.DecimalField(
        _("value (IDR)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    signed_file = models.FileField(
        _("signed document (PDF)"),
        upload_to=private_upload_to,
        blank=True,
        max_length=300,
        validators=[validate_pdf],
    )
    renews = models.ForeignKey(
        "self",
        verbose_name=_("renews"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewals",
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["document_type"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="agreement_end_not_before_start",
            )
        ]

    def __str__(self):
        label = self.number or _("(no number)")
        return f"{self.get_document_type_display()} {label} — {self.title}"

    def get_absolute_url(self):
        return reverse("agreements:detail", args=[self.pk])

    @property
    def effective_scope(self):
        return self.scope or self.partner.scope

    def get_effective_scope_display(self):
        return Scope(self.effective_scope).label

    def validity_on(self, today, days=None):
        """Return the Validity of this agreement on `today`."""
        days = expiring_days() if days is None else days
        if self.status == Status.TERMINATED:
            return Validity.TERMINATED
        if self.status in PRE_SIGNING:
            return Validity.NOT_SIGNED
        if self.start_date and self.start_date > today:
            return Validity.NOT_STARTED
        if self.end_date is None:
            return Validity.IN_FORCE
        if self.end_date < today:
            return Validity.EXPIRED
        if self.end_date <= today + datetime.timedelta(days=days):
            return Validity.EXPIRING
        return Validity.IN_FORCE

    @property
    def is_pre_signing(self):
        return self.status in PRE_SIGNING


class ActivityQuerySet(models.QuerySet):
    def for_user(self, user):
        from mitra.core.permissions import visible

        return visible(user, self)


class Activity(TimeStampedModel):
    """Something carried out under an agreement (*kegiatan*)."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=300)
    form = models.ForeignKey(
        "planning.CooperationType",
        verbose_name=_("form of activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    benefit = models.TextField(_("benefit for the study programme"), blank=True)
    output = models.TextField(_("output"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="activity_end_not_before_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:activity", args=[self.pk])


class Participation(models.Model):
    """Participants of an activity counted for one study programme."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations"
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("study programme"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    students = models.PositiveIntegerField(_("students involved"), default=0)
    students_credited = models.PositiveIntegerField(
        _("students with credits recognised"), default=0
    )
    certificates = models.PositiveIntegerField(_("certificates issued"), default=0)
    lecturers = models.PositiveIntegerField(_("lecturers involved"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "unit"], name="one_participation_per_unit"
            )
        ]

    def __str__(self):
        return f"{self.activity} — {self.unit}"


class EvidenceQuerySet(models.QuerySet):
    def for_user(self, user):
        from mitra.core.permissions import visible

        return visible(user, self)


class Evidence(TimeStampedModel):
    """A file proving an activity took place (report, photo, certificate)."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="evidence"
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
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.description
