"""Cooperation proposals (*usulan kerjasama*), calls for them, and their analysis.

The yearly cycle starts when the cooperation office opens a *call for
proposals*: units are invited to propose cooperation before a deadline.
Proposals also come unasked — from a unit, from a meeting, or from a
partner on the public site. Each proposal follows one workflow::

    draft → submitted → under analysis → approved | rejected
                 ↘ revision requested → (resubmitted) ↗
    (and withdrawn, by the proposer, at any step before the decision)

The head of the cooperation office assigns reviewers, who score the proposal
on a rubric of weighted criteria; the head then decides. An approved
proposal becomes a draft agreement, linked both ways.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.fields import Scope, TridharmaFieldsModel
from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import FileValidator, validate_evidence_file

#: A TOR/KAK (terms of reference, *kerangka acuan kerja*) is a PDF or DOCX.
validate_tor_file = FileValidator("pdf", "docx")


# --- Calls for proposals ----------------------------------------------------


class CallForProposals(TimeStampedModel):
    """The office's invitation to units to propose cooperation by a deadline."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2999)]
    )
    title = models.CharField(_("title"), max_length=300)
    message = models.TextField(_("message to the units"), blank=True)
    deadline = models.DateField(_("deadline"))
    units = models.ManyToManyField(
        "core.Unit",
        verbose_name=_("units invited"),
        related_name="calls_for_proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:call_detail", args=[self.pk])

    def is_open_on(self, day):
        """Whether proposals are still expected on `day` (deadline included)."""
        return day <= self.deadline


class CallDecline(models.Model):
    """A unit's answer to a call that it has nothing to propose this time.

    Declining stops the reminders and shows on the call's page, so the
    office can tell a unit that answered "nothing" from one that is silent.
    """

    call = models.ForeignKey(
        CallForProposals, on_delete=models.CASCADE, related_name="declines"
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declined_at = models.DateTimeField(_("declined at"), auto_now_add=True)

    class Meta:
        ordering = ["unit__code"]
        verbose_name = _("declined call")
        verbose_name_plural = _("declined calls")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "unit"], name="one_decline_per_call_and_unit"
            )
        ]

    def __str__(self):
        return f"{self.call} — {self.unit}"


# --- Proposals --------------------------------------------------------------


class Source(models.TextChoices):
    """Where a proposal came from (the SOP's forms of identification)."""

    UNIT_REQUEST = "unit_request", _("Unit request")
    CALL = "call", _("Call for proposals")
    INTERNAL_MEETING = "internal_meeting", _("Internal cooperation meeting")
    UNIT_MEETING = "unit_meeting", _("Meeting with a unit")
    PARTNER_REQUEST = "partner_request", _("Partner request")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_ANALYSIS = "under_analysis", _("Under analysis")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DocumentType(models.TextChoices):
    """The document the proposal is meant to lead to (agreements' values)."""

    MOU = "mou", _("MoU")
    MOA = "moa", _("MoA/PKS")
    IA = "ia", _("IA")


#: Types whose proposal must carry a TOR/KAK.
NEEDS_TOR = frozenset({DocumentType.MOA, DocumentType.IA})
#: Statuses the proposer may still change the content in.
EDITABLE = (Status.DRAFT, Status.REVISION_REQUESTED)
#: Statuses in which the institution owes the proposal an action.
AWAITING_OFFICE = (Status.SUBMITTED, Status.UNDER_ANALYSIS)
#: Statuses still open (not decided, not withdrawn).
OPEN = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.UNDER_ANALYSIS,
    Status.REVISION_REQUESTED,
)
#: Statuses a proposal can no longer leave.
FINAL = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)


class ProposalQuerySet(GatedQuerySet):
    def incoming(self):
        """Proposals handed in (neither drafts nor withdrawn)."""
        return self.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])


class Proposal(TridharmaFieldsModel, TimeStampedModel):
    """A request to start a cooperation, from a unit or from outside."""

    number = models.CharField(
        _("number"), max_length=120, unique=True, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2999)]
    )
    title = models.CharField(_("title"), max_length=500)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=Source.choices,
        default=Source.UNIT_REQUEST,
    )
    document_type = models.CharField(
        _("intended document"),
        max_length=10,
        choices=DocumentType.choices,
        blank=True,
    )

    # Who proposes: a unit (through its staff) or someone from outside.
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("proposing unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    proposer_name = models.CharField(_("proposer's name"), max_length=200, blank=True)
    proposer_organisation = models.CharField(
        _("proposer's organisation"), max_length=255, blank=True
    )
    proposer_email = models.EmailField(_("proposer's email"), blank=True)
    proposer_phone = models.CharField(_("proposer's phone"), max_length=50, blank=True)
    is_external = models.BooleanField(
        _("proposed from outside"),
        default=False,
        help_text=_("Sent by a partner on the public site (no account)."),
    )

    # The partner: one already registered, or a new one described here.
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    partner_name = models.CharField(_("new partner's name"), max_length=255, blank=True)
    partner_kind = models.ForeignKey(
        "partners.PartnerKind",
        verbose_name=_("new partner's kind"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_country = models.CharField(
        _("new partner's country"), max_length=100, blank=True
    )
    partner_scope = models.CharField(
        _("new partner's scope"), max_length=20, choices=Scope.choices, blank=True
    )
    contact_name = models.CharField(_("partner contact"), max_length=200, blank=True)
    contact_position = models.CharField(
        _("partner contact's position"), max_length=200, blank=True
    )
    contact_email = models.EmailField(_("partner contact's email"), blank=True)
    contact_phone = models.CharField(
        _("partner contact's phone"), max_length=50, blank=True
    )

    call = models.ForeignKey(
        CallForProposals,
        verbose_name=_("call for proposals"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    meeting = models.ForeignKey(
        "planning.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    cooperation_types = models.ManyToManyField(
        "planning.CooperationType",
        verbose_name=_("cooperation types"),
        blank=True,
        related_name="proposals",
    )
    expected_benefit = models.TextField(_("expected benefit"), blank=True)
    planned_activities = models.TextField(_("planned activities"), blank=True)
    tor_file = models.FileField(
        _("TOR/KAK"),
        upload_to=private_upload_to,
        blank=True,
        max_length=300,
        validators=[validate_tor_file],
        help_text=_(
            "Terms of reference (kerangka acuan kerja), PDF or DOCX. Required "
            "for an MoA or IA."
        ),
    )

    score = models.DecimalField(
        _("weighted score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("0-100, computed from the reviewers' rubric scores."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement draft"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )

    history = HistoricalRecords(excluded_fields=["last_activity_at", "score"])
    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["year", "status"]),
            models.Index(fields=["status", "last_activity_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="proposal_score_0_100",
            )
        ]

    def __str__(self):
        return f"{self.number} — {self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("proposals:detail", args=[self.pk])

    @property
    def label(self):
        """The number, or a placeholder with the id while there is none."""
        return self.number or _("Proposal #%(id)s") % {"id": self.pk}

    @property
    def partner_display(self):
        return self.partner.name if self.partner_id else self.partner_name

    @property
    def proposer_display(self):
        if self.unit_id and not self.is_external:
            return self.unit.name
        if self.proposer_organisation:
            return f"{self.proposer_name} ({self.proposer_organisation})"
        return self.proposer_name

    @property
    def needs_tor(self):
        return self.document_type in NEEDS_TOR

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def is_open(self):
        return self.status in OPEN

    def idle_days(self, day):
        """Days since the last action on the proposal, as of `day`."""
        moment = self.last_activity_at or self.submitted_at or self.created_at
        return (day - timezone.localdate(moment)).days


class ProposalAttachment(TimeStampedModel):
    """A further file of a proposal (a letter, a profile, a draft)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments"
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

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.description


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    TRANSITION = "transition", _("Status changed")
    REVIEWERS = "reviewers", _("Reviewers changed")
    REVIEW = "review", _("Review")
    AGREEMENT = "agreement", _("Agreement draft")
    ESCALATED = "escalated", _("Escalated")
    NUMBERED = "numbered", _("Numbered")


class ProposalEvent(models.Model):
    """One step of a proposal's timeline: who did what, when, and why."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(
        _("by (outside)"),
        max_length=200,
        blank=True,
        help_text=_("The external proposer, or the daily job."),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=20, choices=Status.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")

    def __str__(self):
        return f"{self.proposal_id} {self.kind} {self.at:%Y-%m-%d}"

    @property
    def who(self):
        return str(self.actor) if self.actor_id else self.actor_name


# --- Analysis -------------------------------------------------------------------


class RubricCriterion(TimeStampedModel):
    """One weighted criterion reviewers score a proposal on (1-5)."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(
        _("guidance for reviewers"),
        blank=True,
        help_text=_("What a 1 and a 5 mean on this criterion."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self):
        return self.name

    def display_name(self, language=None):
        from django.utils import translation

        language = language or translation.get_language() or ""
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "revise", _("Ask for a revision")
    REJECT = "reject", _("Reject")


class Review(TimeStampedModel):
    """A reviewer assigned to a proposal, with their recommendation."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="proposal_reviews",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="one_review_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.proposal_id} — {self.reviewer}"


class Score(models.Model):
    """One reviewer's score (1-5) of one proposal on one criterion."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"
