"""An upload of an office's register, kept from mapping to confirmation.

An office's old Excel register is read once into a batch; the person maps
its columns, sees what every row would become, and only then confirms. The
batch keeps the file and the outcome, so an import can be traced later.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet


class ImportBatch(models.Model):
    """One register file on its way into Mitra."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        COMMITTED = "committed", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    file = models.FileField(_("file"), upload_to=private_upload_to, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    confirmed_partners = models.JSONField(
        _("confirmed partner matches"), default=dict, blank=True
    )
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self):
        return self.filename
