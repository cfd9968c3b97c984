"""Printed-form settings, the office's templates, and issued documents.

* `PrintedForm` — what the office may change about a registered form: its
  official number and which of its uploaded templates is in use (none means
  Mitra's default).
* `FormTemplate` — a DOCX template the office uploaded for a form. Uploads
  are kept when another one is activated.
* `Letterhead` — the institution's name, address and logo as printed.
* `IssuedDocument` — a document *issued* (made official) and then frozen:
  the snapshot of its data and the files rendered at that moment. It is
  never edited; issuing again creates the next version, which supersedes it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import FileValidator

validate_docx = FileValidator("docx")
validate_logo = FileValidator("png", "jpg")


class FormTemplate(models.Model):
    """A DOCX template uploaded by the office for one printed form."""

    form_code = models.CharField(_("form"), max_length=60, db_index=True)
    file = models.FileField(
        _("template (DOCX)"),
        upload_to=private_upload_to,
        max_length=300,
        validators=[validate_docx],
    )
    original_name = models.CharField(_("file name"), max_length=255)
    note = models.CharField(_("note"), max_length=300, blank=True)
    variables_used = models.JSONField(_("variables used"), default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")

    def __str__(self):
        return f"{self.form_code}: {self.original_name}"


class PrintedForm(TimeStampedModel):
    """The office's settings for one registered form (created on first change)."""

    code = models.CharField(_("form"), max_length=60, unique=True)
    form_number = models.CharField(
        _("official form number"),
        max_length=60,
        blank=True,
        help_text=_("Printed on the form, e.g. BO.29.3.1. Empty: Mitra's default."),
    )
    active_template = models.ForeignKey(
        FormTemplate,
        verbose_name=_("template in use"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: Mitra's default template."),
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("printed form")
        verbose_name_plural = _("printed forms")

    def __str__(self):
        return self.code


class Letterhead(TimeStampedModel):
    """The institution as printed at the top of every form (one row)."""

    name = models.CharField(
        _("institution name"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the name set for the installation."),
    )
    address = models.TextField(_("address"), blank=True)
    logo = models.FileField(
        _("logo (PNG or JPEG)"),
        upload_to=private_upload_to,
        max_length=300,
        blank=True,
        validators=[validate_logo],
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterhead")

    def __str__(self):
        return self.name or settings.MITRA_INSTITUTION_NAME or "—"


class IssuedDocumentFrozen(ValidationError):
    """Raised on any attempt to change or delete an issued document."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "An issued document cannot be changed or deleted; "
                "issue a new version instead."
            ),
            code="frozen",
        )


class IssuedDocumentQuerySet(GatedQuerySet):
    def update(self, **kwargs):
        raise IssuedDocumentFrozen()

    def delete(self):
        raise IssuedDocumentFrozen()

    def of(self, source, kind=None):
        """Return the issued documents of `source` (of one kind, if given)."""
        rows = self.filter(
            content_type=ContentType.objects.get_for_model(source),
            object_id=source.pk,
        )
        return rows.filter(kind=kind) if kind else rows

    def current(self):
        """Return only the versions not superseded."""
        return self.filter(superseded_by__isnull=True)


class IssuedDocument(models.Model):
    """One version of an issued document, frozen at issue.

    `supersedes` points at the previous version; the previous version learns
    it was superseded through the reverse link `superseded_by`, so issuing a
    new version never writes to an old row.

    Saving an existing row, updating or deleting through a queryset, and
    deletion cascading from elsewhere are all refused (IssuedDocumentFrozen).
    """

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    form_number = models.CharField(_("form number"), max_length=60, blank=True)
    snapshot = models.JSONField(_("data as issued"), encoder=DjangoJSONEncoder)
    docx_file = models.FileField(
        _("DOCX file"), upload_to=private_upload_to, max_length=300
    )
    pdf_file = models.FileField(
        _("PDF file"), upload_to=private_upload_to, max_length=300
    )
    template = models.ForeignKey(
        FormTemplate,
        verbose_name=_("template used"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: Mitra's default template."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "kind", "-version"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"],
                name="one_issued_version_per_number",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedDocumentFrozen()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("documents:issued_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise IssuedDocumentFrozen()

    @property
    def is_current(self):
        try:
            self.superseded_by  # noqa: B018 — the reverse link is the flag
        except IssuedDocument.DoesNotExist:
            return True
        return False

    @property
    def next_version(self):
        try:
            return self.superseded_by
        except IssuedDocument.DoesNotExist:
            return None


def issued_list_url(source):
    """Return the URL of the page listing every issued version of `source`."""
    content_type = ContentType.objects.get_for_model(source)
    return reverse(
        "documents:issued_list",
        args=[content_type.app_label, content_type.model, source.pk],
    )


@receiver(pre_delete, sender=IssuedDocument)
def _refuse_deletion(sender, instance, **kwargs):
    """Refuse deletions that bypass `delete()`, such as cascades."""
    raise IssuedDocumentFrozen()


@receiver(pre_save, sender=IssuedDocument)
def _refuse_raw_change(sender, instance, raw, **kwargs):
    """Refuse writes that bypass `save()`: a fixture (`loaddata`) saves with
    `raw`, over the stored version when its key exists."""
    if raw and IssuedDocument._base_manager.filter(pk=instance.pk).exists():
        raise IssuedDocumentFrozen()
