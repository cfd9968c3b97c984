"""The annual evaluation report (*laporan evaluasi tahunan*, form FO.28.2.1).

Once a year the cooperation office reports on the cooperation of the
calendar year: what was signed, in force, ended, renewed and terminated,
how far the year's targets were reached, the activities and their outputs,
monitoring, partner satisfaction and the agreements gone quiet. The figures
are computed from the records (`mitra.reports.evaluation`); this model keeps
only what people write: the narrative chapters and the signature block.

A report is a *draft* until the head issues it. Issuing freezes the figures
and the text as an issued document (`mitra.documents`); the draft stays
editable afterwards, and issuing again makes the next version.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.models import GatedQuerySet, TimeStampedModel

#: The first year a report can be written for.
FIRST_YEAR = 2000


class EvaluationReport(TimeStampedModel):
    """The draft of one year's evaluation report: its narrative chapters.

    Empty introduction and closing print a standard text; the other
    chapters print "not written" when empty, so an empty year still gives
    an honest report.
    """

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)],
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_(
            "Empty: a standard paragraph naming the year and what the report covers."
        ),
    )
    analysis = models.TextField(
        _("analysis"),
        blank=True,
        help_text=_("What the figures mean: strengths, weaknesses, trends."),
    )
    problems = models.TextField(
        _("problems"),
        blank=True,
        help_text=_("The obstacles met during the year and their causes."),
    )
    follow_up_plan = models.TextField(
        _("follow-up plan"),
        blank=True,
        help_text=_(
            "What will be done next year; shown when next year's cooperation "
            "is identified."
        ),
    )
    closing = models.TextField(
        _("closing"), blank=True, help_text=_("Empty: a standard closing sentence.")
    )
    place = models.CharField(
        _("place of signing"),
        max_length=100,
        blank=True,
        help_text=_("The city printed before the date, e.g. Batam."),
    )
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_position = models.CharField(
        _("position of the signatory"), max_length=200, blank=True
    )
    signatory_id_number = models.CharField(
        _("employee number (NIP) of the signatory"), max_length=60, blank=True
    )
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual evaluation report")
        verbose_name_plural = _("annual evaluation reports")

    def __str__(self):
        return str(_("Evaluation report %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        return reverse("reports:evaluation_detail", args=[self.year])
