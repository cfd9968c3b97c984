"""The institution's organisation tree, its people and their roles.

A *unit* is a node of the institution: the institution itself, a *jurusan*
(department), a *prodi* (study programme, always under a jurusan) or a
service unit such as the cooperation office. Staff belong to one or more
units and act for those units and everything below them.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Abstract base recording when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    """The roles a staff account can hold (superusers are `admin`)."""

    OFFICE = "office", _("Cooperation office staff")
    HEAD = "head", _("Head of the cooperation office")
    LEADER = "leader", _("Leadership")
    UNIT = "unit", _("Unit staff")
    AUDITOR = "auditor", _("Quality auditor")


class GatedQuerySet(models.QuerySet):
    """A queryset whose rows are restricted by the one permission gate."""

    def for_user(self, user):
        """Return the rows `user` may see (see mitra.core.permissions)."""
        from mitra.core.permissions import visible

        return visible(user, self)


class UnitKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    JURUSAN = "jurusan", _("Department (jurusan)")
    PRODI = "prodi", _("Study programme (prodi)")
    UNIT = "unit", _("Service unit")


class Unit(TimeStampedModel):
    """A node of the organisation tree (institution, jurusan, prodi, unit)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        blank=True,
        help_text=_("Programme level of a prodi: D3, D4, S1, S2 Terapan, …"),
    )
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        help_text=_("Other names and abbreviations used for this unit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def descendant_ids(self):
        """Return the ids of this unit and every unit below it."""
        from mitra.core.units import descendant_ids

        return descendant_ids([self.pk])


class UserHistory(HistoricalRecords):
    """The history of accounts, without the row Django writes at each log-in.

    A log-in only stamps `last_login`, which is not tracked, so recording it
    would fill the trail with empty entries.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return
        super().post_save(instance, created, using=using, **kwargs)


class User(AbstractUser):
    """A staff account with one role and the units it acts for.

    Accounts are deactivated, never deleted, so what a person did stays
    attributed to them. Changes of units are written into the history's
    change reason (the history does not track the many-to-many itself).
    """

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.UNIT
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("units"), blank=True, related_name="members"
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notify_by_email = models.BooleanField(
        _("also send notifications by email"),
        default=True,
        help_text=_("When off, notifications appear in Mitra only."),
    )

    # Password hashes and log-in times stay out of the history.
    history = UserHistory(excluded_fields=["password", "last_login"])
    objects = UserManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_label(self):
        if self.is_superuser:
            return _("Administrator")
        return self.get_role_display()

    @cached_property
    def acting_unit_ids(self):
        """Ids of the user's units and every unit below them (cached)."""
        from mitra.core.units import descendant_ids

        return frozenset(descendant_ids(self.units.values_list("pk", flat=True)))


# --- Notifications and the outbox -------------------------------------------


class Notification(models.Model):
    """A message in a user's in-app notification centre."""

    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self):
        return self.title


class OutboxEmail(models.Model):
    """An email waiting to be sent, sent, or failing and to be retried.

    Every email goes through here: a failed send stays with its error and is
    retried later with back-off, and a dedupe key makes sure the same message
    is never sent twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed for good")

    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(
        _("dedupe key"), max_length=200, unique=True, null=True, blank=True
    )
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"


class JobRun(models.Model):
    """One run of one job of the daily job, for the record."""

    job = models.CharField(_("job"), max_length=100)
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self):
        return f"{self.job} {self.as_of}"


# --- Numbering ----------------------------------------------------------------


class NumberingPattern(TimeStampedModel):
    """How numbers of one kind of record are written, e.g. agreements' MoU.

    The pattern holds placeholders: {seq} (or {seq:03} zero-padded), {type},
    {unit}, {month_roman}, {month}, {year}.
    """

    class Reset(models.TextChoices):
        YEARLY = "yearly", _("Every year")
        MONTHLY = "monthly", _("Every month")
        NEVER = "never", _("Never")

    kind = models.CharField(_("record kind"), max_length=60, unique=True)
    pattern = models.CharField(_("pattern"), max_length=200)
    type_code = models.CharField(
        _("type code"),
        max_length=40,
        blank=True,
        help_text=_("The text that replaces {type}, e.g. KS or MoU."),
    )
    reset = models.CharField(
        _("sequence restarts"),
        max_length=20,
        choices=Reset.choices,
        default=Reset.YEARLY,
    )
    per_unit = models.BooleanField(_("separate sequence per unit"), default=False)
    start_at = models.PositiveIntegerField(_("first number"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("numbering pattern")
        verbose_name_plural = _("numbering patterns")

    def __str__(self):
        return f"{self.kind}: {self.pattern}"


class NumberSequence(models.Model):
    """The last number issued for one pattern within one reset period."""

    pattern = models.ForeignKey(
        NumberingPattern, on_delete=models.CASCADE, related_name="sequences"
    )
    scope_key = models.CharField(max_length=100)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "scope_key"], name="one_sequence_per_scope"
            )
        ]

    def __str__(self):
        return f"{self.pattern.kind} {self.scope_key}: {self.last_value}"


# --- Invitations ----------------------------------------------------------------


class Invitation(models.Model):
    """A one-time, expiring link for a new user to set a password.

    Only a hash of the token is stored; the link itself is in the email.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return str(self.user)
