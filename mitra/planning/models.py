"""Planning of cooperation; for now the catalogue of cooperation types.

A *cooperation type* (*jenis kerjasama*) is a form a cooperation takes —
internship, joint research, credit transfer, competency certification, … —
kept as data the office can extend.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.fields import TridharmaFieldsModel
from mitra.core.models import TimeStampedModel


class CooperationType(TridharmaFieldsModel, TimeStampedModel):
    """A form of cooperation activity, tagged with the fields it serves."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("cooperation type")
        verbose_name_plural = _("cooperation types")

    def __str__(self):
        return self.name
