"""The records register and the policy document library.

The cooperation procedure names six kinds of *records* the office must keep
for a number of years (five by default): the cooperation-type mapping, the
partner satisfaction survey, the annual evaluation report, meeting minutes,
the annual cooperation programme and the monitoring recap. Each kind is a
`RecordType` (data, with its storage location and retention). A `Record` is
one kept document: an issued document of Mitra (registered automatically when
it is issued) or a file registered by hand.

Until its retention ends, and for as long as it is under a *legal hold*, a
record can be neither changed nor deleted: the model refuses (`save`,
`delete`, and a `pre_delete` receiver for deletions that bypass `delete`),
its queryset refuses bulk updates and deletions, the admin is read-only, and
the services check first to give a readable message. After retention, the
head approves a `DisposalList`; its archive (a ZIP of the files with an
index) is stored before anything is deleted, and each deletion is written to
the `DisposalLog`, which is itself never deleted.

`PolicyDocument` is the library of the cooperation office's policies,
procedures and forms, with versions, owner, approval and review dates; the
published current ones appear on the public site.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mitra.core import clock
from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import FileValidator, validate_evidence_file
from mitra.records import retention

validate_record_file = validate_evidence_file
validate_policy_file = FileValidator("pdf", "docx")


class RecordProtected(ValidationError):
    """Raised on a change or deletion the register does not allow."""


def protection_error(record):
    if record.on_hold:
        return RecordProtected(
            _("This record is under a legal hold and cannot be changed or deleted."),
            code="on_hold",
        )
    return RecordProtected(
        _(
            "This record is kept until %(date)s and cannot be changed or "
            "deleted before then."
        )
        % {"date": date_format(record.retain_until, "DATE_FORMAT")},
        code="retained",
    )


def _bulk_error():
    return RecordProtected(
        _("Records are changed one at a time, through the records register."),
        code="bulk",
    )


def _display_name(obj):
    language = translation.get_language() or ""
    if language.startswith("en") and obj.name_en:
        return obj.name_en
    return obj.name


class RecordType(TimeStampedModel):
    """One of the kinds of record the procedure says to keep, as data.

    `document_kinds` lists the kinds of issued documents (the printed form
    codes, such as ``minutes``) registered automatically as records of this
    type. `retention_years` empty means the installation's default
    (MITRA_RECORD_RETENTION_YEARS).
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    form_number = models.CharField(
        _("form number"),
        max_length=60,
        blank=True,
        help_text=_("The official form of this record, if it has one."),
    )
    storage_location = models.CharField(
        _("storage location"),
        max_length=300,
        help_text=_("Who keeps the record and where (office, cabinet, folder)."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention in years"),
        null=True,
        blank=True,
        help_text=_("Empty: the installation's default."),
    )
    document_kinds = models.JSONField(
        _("issued documents registered as this type"),
        default=list,
        blank=True,
        help_text=_("Codes of printed forms, e.g. minutes."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("record type")
        verbose_name_plural = _("record types")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return _display_name(self)

    @property
    def years(self):
        """Return the retention in years that applies to new records."""
        return self.retention_years or retention.default_years()


class RecordQuerySet(GatedQuerySet):
    """Records refuse bulk changes: each goes through the model's checks."""

    def update(self, **kwargs):
        raise _bulk_error()

    def delete(self):
        raise _bulk_error()

    def retained(self, on):
        """Return the records still within their retention on `on`."""
        return self.filter(retain_until__gte=on)

    def disposable(self, on):
        """Return the records past retention on `on`, not under a hold."""
        return self.filter(retain_until__lt=on, on_hold=False)


class Record(models.Model):
    """One kept record: an issued document or a file registered by hand.

    `retain_until` is the last day it must be kept. Until that day has
    passed, and while `on_hold`, the fields in PROTECTED_FIELDS cannot
    change, `retain_until` cannot move earlier, and the record cannot be
    deleted. After that it is deleted only through an approved disposal
    list (see `mitra.records.services.disposal_list_approve`).
    """

    PROTECTED_FIELDS = (
        "record_type",
        "title",
        "issued_on",
        "storage_location",
        "document",
        "file",
        "original_name",
        "checksum",
        "note",
        "registered_by",
        "registered_at",
    )

    record_type = models.ForeignKey(
        RecordType,
        verbose_name=_("record type"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    retain_until = models.DateField(_("kept until"), db_index=True)
    storage_location = models.CharField(_("storage location"), max_length=300)
    document = models.OneToOneField(
        "documents.IssuedDocument",
        verbose_name=_("issued document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
    )
    file = models.FileField(
        _("file"),
        upload_to=private_upload_to,
        max_length=300,
        blank=True,
        validators=[validate_record_file],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered at"))
    on_hold = models.BooleanField(_("legal hold"), default=False)
    hold_reason = models.TextField(_("reason for the hold"), blank=True)
    hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hold set or cleared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hold_changed_at = models.DateTimeField(
        _("hold set or cleared at"), null=True, blank=True
    )

    history = HistoricalRecords()
    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("record")
        verbose_name_plural = _("records")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self._check_change()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("records:detail", args=[self.pk])

    @property
    def is_automatic(self):
        return self.document_id is not None

    def is_retained(self, on=None):
        """Return whether the record is within its retention on `on`."""
        return (on or clock.today()) <= self.retain_until

    def is_protected(self, on=None):
        """Return whether the record may be neither changed nor deleted."""
        return self.on_hold or self.is_retained(on)

    def _check_change(self):
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None or not stored.is_protected():
            return
        changed = [
            name
            for name in self.PROTECTED_FIELDS
            if getattr(stored, self._meta.get_field(name).attname)
            != getattr(self, self._meta.get_field(name).attname)
        ]
        if changed or self.retain_until < stored.retain_until:
            raise protection_error(stored)

    def delete(self, *args, **kwargs):
        _check_deletion(self)
        return super().delete(*args, **kwargs)


def deletion_refusal(record, *, disposing=False):
    """Return the RecordProtected a deletion of `record` meets, or None.

    A record is deleted only by an approved disposal (`disposing`), and
    never while it is kept or held; the reason names the date it is kept
    until, or the hold. The admin shows the same reason.
    """
    stored = type(record)._base_manager.filter(pk=record.pk).first() or record
    if stored.is_protected():
        return protection_error(stored)
    if not disposing:
        return RecordProtected(
            _("A record past its retention is removed only by an approved disposal."),
            code="disposal_only",
        )
    return None


def _check_deletion(record):
    refusal = deletion_refusal(record, disposing=getattr(record, "_disposing", False))
    if refusal is not None:
        raise refusal


@receiver(pre_save, sender=Record)
def _refuse_raw_record_change(sender, instance, raw, **kwargs):
    """Refuse changes that bypass `Record.save()`: a fixture (`loaddata`)
    writes rows with `raw`, over the stored one when the key exists."""
    if raw:
        instance._check_change()


@receiver(pre_delete, sender=Record)
def _refuse_record_deletion(sender, instance, **kwargs):
    """Refuse deletions that bypass `Record.delete()`, such as cascades."""
    _check_deletion(instance)


@receiver(pre_delete, sender="documents.IssuedDocument")
def _refuse_document_deletion(sender, instance, **kwargs):
    """Keep an issued document for as long as its record is kept."""
    record = Record._base_manager.filter(document_id=instance.pk).first()
    if record is not None:
        raise (
            protection_error(record)
            if record.is_protected()
            else RecordProtected(
                _("This document is a record of the register: dispose of the record."),
                code="disposal_only",
            )
        )


class KeptQuerySet(GatedQuerySet):
    """Rows kept for good: no bulk change, no deletion."""

    def update(self, **kwargs):
        raise _kept_error()

    def delete(self):
        raise _kept_error()


def _kept_error():
    return RecordProtected(
        _("Disposal lists and the disposal log are kept and never deleted."),
        code="kept",
    )


class DisposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    DISPOSED = "disposed", _("Approved and disposed")
    CANCELLED = "cancelled", _("Cancelled")


class DisposalList(models.Model):
    """Records past retention proposed for disposal, with their archive.

    The archive (a ZIP of every listed record's files and an index CSV) is
    built and stored with the list, before the head can approve it.
    """

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DisposalStatus.choices,
        default=DisposalStatus.PROPOSED,
    )
    as_of = models.DateField(_("past retention on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("built at"))
    archive = models.FileField(
        _("archive"), upload_to=private_upload_to, max_length=300
    )
    archive_checksum = models.CharField(_("SHA-256 of the archive"), max_length=64)
    archive_missing = models.JSONField(
        _("files missing from storage"), default=list, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or cancelled at"), null=True)
    note = models.TextField(_("note"), blank=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("disposal list")
        verbose_name_plural = _("disposal lists")

    def __str__(self):
        return str(_("Disposal list %(number)s") % {"number": self.pk})

    def get_absolute_url(self):
        return reverse("records:disposal_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise _kept_error()


class SkipReason(models.TextChoices):
    """Why approving a disposal list left one of its records in place."""

    HELD = "held", _("under a legal hold")
    RETAINED = "retained", _("kept longer")
    GONE = "gone", _("no longer in the register")


class DisposalItem(models.Model):
    """One record on a disposal list, described as it was when listed.

    `skipped` (with `kept_until` for a longer retention) records why the
    approval left the record in the register: the hold or retention may
    change afterwards, the reason it was kept on that day does not.
    """

    disposal_list = models.ForeignKey(
        DisposalList, on_delete=models.PROTECT, related_name="items"
    )
    record = models.ForeignKey(
        Record,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="disposal_items",
    )
    record_number = models.PositiveBigIntegerField(_("record number"))
    record_type = models.CharField(_("record type"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    retain_until = models.DateField(_("kept until"))
    archived_files = models.JSONField(_("files in the archive"), default=list)
    skipped = models.CharField(
        _("skipped on approval"),
        max_length=20,
        choices=SkipReason.choices,
        blank=True,
    )
    kept_until = models.DateField(_("kept until, on approval"), null=True, blank=True)

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["issued_on", "record_number"]
        verbose_name = _("listed record")
        verbose_name_plural = _("listed records")

    def __str__(self):
        return self.title

    def delete(self, *args, **kwargs):
        raise _kept_error()


class DisposalLog(models.Model):
    """One disposed record: what it was, when, by whom, under which list."""

    disposal_list = models.ForeignKey(
        DisposalList,
        verbose_name=_("disposal list"),
        on_delete=models.PROTECT,
        related_name="log_entries",
    )
    record_number = models.PositiveBigIntegerField(_("record number"))
    record_type = models.CharField(_("record type"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    retain_until = models.DateField(_("kept until"))
    storage_location = models.CharField(_("storage location"), max_length=300)
    file_name = models.CharField(_("file"), max_length=300, blank=True)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    document_number = models.PositiveBigIntegerField(
        _("issued document number"), null=True, blank=True
    )
    document_kept = models.BooleanField(
        _("issued document kept by the documents register"), default=False
    )
    disposed_at = models.DateTimeField(_("disposed at"))
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = KeptQuerySet.as_manager()

    class Meta:
        ordering = ["-disposed_at", "-pk"]
        verbose_name = _("disposal log entry")
        verbose_name_plural = _("disposal log")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _kept_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _kept_error()


@receiver(pre_delete, sender=DisposalList)
@receiver(pre_delete, sender=DisposalItem)
@receiver(pre_delete, sender=DisposalLog)
def _refuse_kept_deletion(sender, instance, **kwargs):
    raise _kept_error()


@receiver(pre_save, sender=DisposalLog)
def _refuse_raw_log_change(sender, instance, raw, **kwargs):
    """A fixture (`loaddata`) may add to the log, never write over it."""
    if raw and DisposalLog._base_manager.filter(pk=instance.pk).exists():
        raise _kept_error()


# --- Policy documents -------------------------------------------------------


class PolicyKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    PROCEDURE = "procedure", _("Procedure")
    FORM = "form", pgettext_lazy("document kind", "Form")
    OTHER = "other", _("Other")


class CoverageArea(models.TextChoices):
    """What the quality standard asks the documents to cover, at least."""

    INITIATION = "initiation", _("Initiation of cooperation")
    EXECUTION = "execution", _("Execution of cooperation")
    MONITORING = "monitoring", _("Monitoring of cooperation")
    EVALUATION = "evaluation", _("Evaluation of cooperation")
    SATISFACTION = "satisfaction", _("Evaluation of partner satisfaction")


class PolicyDocument(TimeStampedModel):
    """One version of a policy, procedure or form of the cooperation office.

    A new version is a new row; the old one gets `superseded_by` and stays
    readable. A version is *current* on a day when it is approved by then,
    not yet superseded by a version approved by then, and its review date
    has not passed (`selectors.current_policies`).
    """

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=PolicyKind.choices, default=PolicyKind.POLICY
    )
    covers = models.JSONField(
        _("covers"),
        default=list,
        blank=True,
        help_text=_("Stages of cooperation this document governs."),
    )
    version = models.CharField(_("version"), max_length=20, default="1")
    owner = models.ForeignKey(
        "core.Unit",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit responsible for the document."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("Shown on the public site when the document is published."),
    )
    file = models.FileField(
        _("file (PDF or DOCX)"),
        upload_to=private_upload_to,
        max_length=300,
        validators=[validate_policy_file],
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    is_published = models.BooleanField(_("published on the public site"), default=False)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    # The first version's id, shared by all its versions (one query lists them).
    lineage = models.PositiveBigIntegerField(null=True, editable=False, db_index=True)
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
        ordering = ["title", "-approved_on", "-pk"]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.lineage is None:
            self.lineage = self.pk
            type(self).objects.filter(pk=self.pk).update(lineage=self.pk)

    def get_absolute_url(self):
        return reverse("records:policy_detail", args=[self.pk])

    @property
    def covers_labels(self):
        labels = dict(CoverageArea.choices)
        return [labels[area] for area in CoverageArea.values if area in self.covers]

    def versions(self):
        """Return every version of this document, newest first."""
        return type(self).objects.filter(lineage=self.lineage).order_by("-pk")

    def review_passed(self, on=None):
        return self.review_due is not None and self.review_due < (on or clock.today())
