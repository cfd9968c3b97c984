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
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import FileValidator, validate_evidence_file, validate_pdf


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


class AgreementQuerySet(GatedQuerySet):
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
    objects = GatedQuerySet.as_manager()

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
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self):
        return self.description


# --- The way to signature (drafting, review, negotiation, signing) ----------
#
# An agreement is drafted from the office's clause library, reviewed inside
# the institution, negotiated with the partner through a link that needs no
# account, then signed and numbered. Each step is recorded as an
# `AgreementEvent`, which makes the agreement's timeline and tells the
# pipeline board where it stands.


class Stage(models.TextChoices):
    """Where an agreement stands on its way to signature (the pipeline)."""

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    NEGOTIATION = "negotiation", _("In negotiation")
    READY = "ready", _("Ready to sign")
    SIGNED = "signed", _("Signed")
    TERMINATED = "terminated", _("Terminated")


#: The stages of an agreement not signed yet, in their order.
PIPELINE_STAGES = (Stage.DRAFT, Stage.REVIEW, Stage.NEGOTIATION, Stage.READY)


class ClauseCategory(models.TextChoices):
    GENERAL = "general", _("General provisions")
    SCOPE = "scope", _("Scope of the cooperation")
    OBLIGATIONS = "obligations", _("Rights and obligations")
    FINANCE = "finance", _("Financing")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Intellectual property")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    DISPUTES = "disputes", _("Disputes")
    TERMINATION = "termination", _("Duration and termination")
    OTHER = "other", _("Other")


class ClauseQuerySet(GatedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Clause(TimeStampedModel):
    """A clause (*pasal*) of the office's library, in Indonesian and English.

    Drafts are assembled from chosen clauses; a clause no longer offered is
    deactivated rather than deleted, since past drafts quote it.
    """

    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_id = models.TextField(_("text (Indonesian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=ClauseCategory.choices,
        default=ClauseCategory.GENERAL,
    )
    order = models.PositiveIntegerField(
        _("order"), default=100, help_text=_("Clauses are printed in this order.")
    )
    is_active = models.BooleanField(_("offered"), default=True)

    history = HistoricalRecords()
    objects = ClauseQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")

    def __str__(self):
        return self.title_id


class ClauseChoice(models.Model):
    """A clause chosen for an agreement's drafts, in its place."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="clause_choices"
    )
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="choices")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "clause"], name="clause_chosen_once"
            )
        ]

    def __str__(self):
        return f"{self.agreement_id}: {self.clause}"


class WorkflowQuerySet(GatedQuerySet):
    """Rows of the signing workflow, seen with their agreement."""


class VersionSource(models.TextChoices):
    GENERATED = "generated", _("Generated from the template")
    UPLOADED = "uploaded", _("Uploaded by us")
    PARTNER = "partner", _("Counter-version from the partner")


validate_draft_file = FileValidator("docx", "pdf")


class DraftVersion(models.Model):
    """One version of an agreement's draft: a DOCX or PDF with a note.

    The text is extracted when the version is stored, so two versions can be
    compared. The version chosen for signature is *locked* (`locked_at`);
    after that no new version is accepted until it is unlocked.
    """

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=VersionSource.choices)
    file = models.FileField(
        _("file"),
        upload_to=private_upload_to,
        max_length=300,
        validators=[validate_draft_file],
    )
    file_kind = models.CharField(_("file type"), max_length=10)
    text = models.TextField(_("text"), blank=True)
    form_code = models.CharField(_("printed form"), max_length=60, blank=True)
    template = models.ForeignKey(
        "documents.FormTemplate",
        verbose_name=_("template used"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("author (partner)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    locked_at = models.DateTimeField(_("locked as final at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_approved_at = models.DateTimeField(
        _("approved by the partner at"), null=True, blank=True
    )

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="one_draft_version_per_number"
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(locked_at__isnull=False),
                name="one_final_version_per_agreement",
            ),
        ]

    def __str__(self):
        return f"v{self.number}"

    @property
    def is_final(self):
        return self.locked_at is not None

    @property
    def author_label(self):
        return self.author_name or (str(self.author) if self.author else "")


class ReviewOutcome(models.TextChoices):
    OPEN = "open", _("In progress")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewRound(models.Model):
    """One internal review of a draft version, by the reviewers the head named.

    Reviewers act step by step: those of step 1 first (together), then
    step 2, and so on. Any request for changes or rejection ends the round;
    it is approved when every reviewer of the last step has approved.
    """

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    version = models.ForeignKey(
        DraftVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ReviewOutcome.choices,
        default=ReviewOutcome.OPEN,
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    note = models.TextField(_("note to the reviewers"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("internal review")
        verbose_name_plural = _("internal reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(outcome="open"),
                name="one_open_review_per_agreement",
            )
        ]

    def __str__(self):
        return f"{self.agreement_id} v{self.version_id}: {self.outcome}"

    @property
    def is_open(self):
        return self.outcome == ReviewOutcome.OPEN


class ReviewerCapacity(models.TextChoices):
    """In which capacity someone reviews; also the default order of steps."""

    LEGAL = "legal", _("Legal")
    UNIT_HEAD = "unit_head", _("Head of the unit")
    LEADERSHIP = "leadership", _("Leadership")
    OTHER = "other", _("Other")


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("No longer needed")


class ReviewAssignment(models.Model):
    """One reviewer's part in a review round, and their decision."""

    review = models.ForeignKey(
        ReviewRound,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    capacity = models.CharField(
        _("capacity"), max_length=20, choices=ReviewerCapacity.choices
    )
    step = models.PositiveSmallIntegerField(_("step"), default=1)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    activated_at = models.DateTimeField(_("waiting since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        ordering = ["step", "pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.reviewer} ({self.get_capacity_display()})"


class PartnerLinkQuerySet(WorkflowQuerySet):
    def live(self, now):
        return self.filter(
            revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now
        )


class PartnerLink(models.Model):
    """A link letting the partner's contact read, comment on and approve the
    current draft without an account.

    Only a hash of its random token is stored; the link itself is in the
    email to the contact. It stops working when it expires, is revoked, or
    has been used to approve the draft.
    """

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="partner_links",
    )
    contact = models.ForeignKey(
        "partners.Contact",
        verbose_name=_("partner contact"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)

    objects = PartnerLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("partner link")
        verbose_name_plural = _("partner links")

    def __str__(self):
        return f"{self.agreement_id} → {self.contact_id}"

    def state(self, now):
        """Return "used", "revoked", "expired" or "live"."""
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "live"


class EventKind(models.TextChoices):
    DRAFT_CREATED = "draft_created", _("Draft opened")
    VERSION_ADDED = "version_added", _("New version of the draft")
    REVIEW_STARTED = "review_started", _("Sent for internal review")
    REVIEW_DECISION = "review_decision", _("A reviewer decided")
    REVIEW_APPROVED = "review_approved", _("Internal review approved")
    REVIEW_CHANGES = "review_changes", _("Changes requested in review")
    REVIEW_REJECTED = "review_rejected", _("Rejected in review")
    REVIEW_WITHDRAWN = "review_withdrawn", _("Review withdrawn")
    LINK_SENT = "link_sent", _("Link sent to the partner")
    LINK_REVOKED = "link_revoked", _("Partner's link revoked")
    PARTNER_COMMENT = "partner_comment", _("Comment from the partner")
    OFFICE_REPLY = "office_reply", _("Our message to the partner")
    PARTNER_VERSION = "partner_version", _("Counter-version from the partner")
    PARTNER_APPROVED = "partner_approved", _("Approved by the partner")
    FINAL_LOCKED = "final_locked", _("Final version locked")
    FINAL_UNLOCKED = "final_unlocked", _("Final version unlocked")
    SIGNED = "signed", _("Signed")
    RENEWAL_STARTED = "renewal_started", _("Renewal started")
    RENEWED = "renewed", _("Renewed")
    ADDENDUM_STARTED = "addendum_started", _("Addendum started")
    AMENDED = "amended", _("Amended by an addendum")
    TERMINATED = "terminated", _("Terminated")


class AgreementEvent(models.Model):
    """One entry of an agreement's timeline.

    `stage` is the pipeline stage the agreement entered with this event
    (empty when it stayed where it was). Events shared with the partner
    (`shared`) are shown on the partner's page: the exchange of comments,
    versions and approvals, never the internal review.
    """

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("what"), max_length=30, choices=EventKind.choices)
    stage = models.CharField(
        _("stage entered"), max_length=20, choices=Stage.choices, blank=True
    )
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("who (partner)"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    version = models.ForeignKey(
        DraftVersion,
        verbose_name=_("version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    related = models.ForeignKey(
        Agreement,
        verbose_name=_("related agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    shared = models.BooleanField(_("shown to the partner"), default=False)

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("agreement event")
        verbose_name_plural = _("agreement events")
        indexes = [models.Index(fields=["agreement", "at"])]

    def __str__(self):
        return f"{self.agreement_id}: {self.kind}"

    @property
    def who(self):
        return self.actor_name or (str(self.actor) if self.actor else "")


class FileKind(models.TextChoices):
    SIGNED_COPY = "signed_copy", _("Signed copy")
    TERMINATION_LETTER = "termination_letter", _("Termination letter")


class AgreementFile(models.Model):
    """A further PDF of an agreement: the partner's signed copy, or the
    letter ending it."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FileKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    file = models.FileField(
        _("file (PDF)"),
        upload_to=private_upload_to,
        max_length=300,
        validators=[validate_pdf],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("agreement file")
        verbose_name_plural = _("agreement files")

    def __str__(self):
        return self.description or self.get_kind_display()


class Amendment(models.Model):
    """What an addendum changes in the agreement it amends.

    Empty values change nothing. The changes are applied to the amended
    agreement when the addendum is signed, and show in its history.
    """

    addendum = models.OneToOneField(
        Agreement,
        verbose_name=_("addendum"),
        on_delete=models.CASCADE,
        related_name="amendment",
    )
    amends = models.ForeignKey(
        Agreement,
        verbose_name=_("amended agreement"),
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    description = models.TextField(_("what the addendum changes"))
    new_start_date = models.DateField(_("new start date"), null=True, blank=True)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    make_open_ended = models.BooleanField(_("becomes open-ended"), default=False)
    new_scope = models.CharField(
        _("new scope"), max_length=20, choices=Scope.choices, blank=True
    )
    new_units = models.ManyToManyField(
        "core.Unit", verbose_name=_("new units"), blank=True, related_name="+"
    )
    new_cooperation_types = models.ManyToManyField(
        "planning.CooperationType",
        verbose_name=_("new cooperation types"),
        blank=True,
        related_name="+",
    )
    new_our_signatory_name = models.CharField(
        _("new signatory for us"), max_length=200, blank=True
    )
    new_our_signatory_position = models.CharField(
        _("their position"), max_length=200, blank=True
    )
    new_partner_signatory_name = models.CharField(
        _("new signatory for the partner"), max_length=200, blank=True
    )
    new_partner_signatory_position = models.CharField(
        _("their position"), max_length=200, blank=True
    )
    new_partner_contact = models.ForeignKey(
        "partners.Contact",
        verbose_name=_("new responsible person at the partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.addendum_id} → {self.amends_id}"
