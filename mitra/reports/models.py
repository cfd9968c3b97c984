"""What the reports are computed from, beyond the cooperation records.

* **Indicators** of the institution's quality standard (codes such as
  B.1.2.5.8), kept as data: each institution words and numbers its own, so
  only the way a figure is computed (`Indicator.calculation`) is code.
* **Rule sets** of the ministry's cooperation indicator (*IKU*), which the
  ministry changed in 2021, 2023 and 2025: the partner categories and their
  weights, the forms of cooperation that count and the programme levels
  counted are data tied to the regulation, so a new regulation is a new rule
  set, not a code change.
* **Activity outputs**: what an activity produced (a product, a prototype, a
  patent, a publication, a curriculum, downstreaming — *hilirisasi*), which
  the 2025 rule set counts.
* **Vision relevance** notes: how an agreement serves the institution's
  vision, mission, goals and strategy (*VMTS*), shown with the network of
  partners (B.1.2.9.3) and in the accreditation table.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.files import private_upload_to
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.core.validators import validate_evidence_file


def in_active_language(indonesian, english):
    """Return the text of the active language, else the other one.

    Indicators and rule sets are data written by the institution, in
    Indonesian (the interface's default) and, optionally, in English.
    """
    language = translation.get_language() or ""
    if language.startswith("en"):
        return english or indonesian
    return indonesian or english


# --- Indicators of the quality standard --------------------------------------


class Calculation(models.TextChoices):
    """How the figures of an indicator are computed from the records."""

    CREDIT_RECOGNITION = (
        "credit_recognition",
        _("Learning outside the programme with credits recognised"),
    )
    COMPETENCY_CERTIFICATES = (
        "competency_certificates",
        _("Competency certificates issued with partners"),
    )
    POLICY_COVERAGE = (
        "policy_coverage",
        _("Policy and procedure documents covering the cooperation cycle"),
    )
    PLANNING_DOCUMENTS = "planning_documents", _("Planning documents of the year")
    NETWORK = "network", _("Network of partners by scope and tridharma field")
    NONE = "none", _("Not computed (evidence kept elsewhere)")


class Indicator(TimeStampedModel):
    """One indicator of the institution's quality standard, as data.

    A code may have several versions (`year` is the first year a wording
    applies); a year's page uses the latest version not after it.
    """

    code = models.CharField(_("code"), max_length=40)
    statement = models.TextField(_("statement"))
    statement_en = models.TextField(_("statement in English"), blank=True)
    measure = models.TextField(
        _("how it is measured"),
        blank=True,
        help_text=_("What counts as evidence and how the figures are obtained."),
    )
    measure_en = models.TextField(_("how it is measured, in English"), blank=True)
    year = models.PositiveSmallIntegerField(
        _("in use since"), help_text=_("The first year this wording applies.")
    )
    calculation = models.CharField(
        _("calculation"),
        max_length=40,
        choices=Calculation.choices,
        default=Calculation.NONE,
    )
    cooperation_types = models.ManyToManyField(
        "planning.CooperationType",
        verbose_name=_("forms of cooperation that count"),
        blank=True,
        related_name="+",
        help_text=_(
            "Activities of these forms count even before their participants "
            "are recorded."
        ),
    )
    partner_kinds = models.ManyToManyField(
        "partners.PartnerKind",
        verbose_name=_("partner kinds that count"),
        blank=True,
        related_name="+",
        help_text=_("Empty: any kind of partner."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["ordering", "code", "-year"]
        verbose_name = _("quality indicator")
        verbose_name_plural = _("quality indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year"], name="one_indicator_version_per_year"
            )
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        return reverse("reports:indicator", args=[self.pk])

    @property
    def statement_text(self):
        """The statement in the active language (else in the other one)."""
        return in_active_language(self.statement, self.statement_en)

    @property
    def measure_text(self):
        """How it is measured, in the active language (else in the other)."""
        return in_active_language(self.measure, self.measure_en)


# --- The ministry's cooperation indicator ------------------------------------


class RuleSetKind(models.TextChoices):
    PERCENTAGE = (
        "percentage",
        _("Percentage of programmes with a qualifying cooperation"),
    )
    WEIGHTED = "weighted", _("Weighted cooperations per programme")
    OUTPUT = "output", _("Percentage of industry cooperations with an output")


class CountingWindow(models.TextChoices):
    """Which agreements count for a year."""

    SIGNED = "signed", _("Signed in the year")
    IN_FORCE = "in_force", _("In force at some time during the year")


class OutputNumerator(models.TextChoices):
    WITH_OUTPUT = "with_output", _("Cooperations with any recorded output")
    WITH_DOWNSTREAMING = (
        "with_downstreaming",
        _("Cooperations with a product, prototype, patent or downstreaming output"),
    )


class OutputDenominator(models.TextChoices):
    COOPERATIONS = "cooperations", _("All industry cooperations counted in the year")
    WITH_ACTIVITY = (
        "with_activity",
        _("Industry cooperations with an activity in the year"),
    )


class RuleSet(TimeStampedModel):
    """One version of the ministry's cooperation indicator, tied to its
    regulation and to the years it applies to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    regulation = models.CharField(_("regulation"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("how it is counted"), blank=True)
    description_en = models.TextField(_("how it is counted, in English"), blank=True)
    year_from = models.PositiveSmallIntegerField(_("first year"))
    year_to = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, help_text=_("Empty: still in use.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RuleSetKind.choices)
    levels = models.JSONField(
        _("programme levels counted"),
        default=list,
        blank=True,
        help_text=_('For example ["S1", "D4", "D3"]. Empty: every level.'),
    )
    document_types = models.JSONField(
        _("document types counted"),
        default=list,
        blank=True,
        help_text=_('For example ["moa", "ia"]. Empty: every type.'),
    )
    counting_window = models.CharField(
        _("agreements counted"),
        max_length=20,
        choices=CountingWindow.choices,
        blank=True,
        help_text=_(
            "Empty: for a weighted rule set, the installation's default "
            "(MITRA_IKU_2023_WINDOW); for the others, those in force at some "
            "time during the year."
        ),
    )
    numerator = models.CharField(
        _("numerator"),
        max_length=30,
        choices=OutputNumerator.choices,
        blank=True,
        help_text=_("Output rule sets only. Empty: MITRA_IKU_2025_NUMERATOR."),
    )
    denominator = models.CharField(
        _("denominator"),
        max_length=30,
        choices=OutputDenominator.choices,
        blank=True,
        help_text=_("Output rule sets only. Empty: MITRA_IKU_2025_DENOMINATOR."),
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["-year_from"]
        verbose_name = _("ministry rule set")
        verbose_name_plural = _("ministry rule sets")

    def __str__(self):
        return f"{self.name} ({self.regulation})"

    @property
    def description_text(self):
        """How it is counted, in the active language (else in the other)."""
        return in_active_language(self.description, self.description_en)

    @property
    def window(self):
        """The counting window in effect: the rule set's own; else, for the
        weighted count of 2023 (IKU 3.1), the installation's default
        MITRA_IKU_2023_WINDOW, since its guide and institutions differ; else
        the agreements in force during the year, as the 2021 and 2025
        indicators count them."""
        if self.counting_window:
            return self.counting_window
        if self.kind == RuleSetKind.WEIGHTED:
            return settings.MITRA_IKU_2023_WINDOW
        return CountingWindow.IN_FORCE

    @property
    def output_numerator(self):
        return self.numerator or settings.MITRA_IKU_2025_NUMERATOR

    @property
    def output_denominator(self):
        return self.denominator or settings.MITRA_IKU_2025_DENOMINATOR

    def applies_to(self, year):
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)


class PartnerCategory(models.Model):
    """A category of partner under one rule set, with its weight.

    `default_kinds`: partners of these kinds fall in this category unless
    their own category under the rule set says otherwise.
    """

    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("rule set"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1)
    default_kinds = models.ManyToManyField(
        "partners.PartnerKind",
        verbose_name=_("partner kinds in this category by default"),
        blank=True,
        related_name="+",
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["rule_set", "ordering", "pk"]
        verbose_name = _("partner category")
        verbose_name_plural = _("partner categories")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"], name="one_category_code_per_rule_set"
            )
        ]

    def __str__(self):
        return self.name


class CountedForm(models.Model):
    """A form of cooperation a rule set counts, mapped to cooperation types."""

    rule_set = models.ForeignKey(
        RuleSet,
        verbose_name=_("rule set"),
        on_delete=models.CASCADE,
        related_name="forms",
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=300)
    cooperation_types = models.ManyToManyField(
        "planning.CooperationType",
        verbose_name=_("cooperation types"),
        blank=True,
        related_name="+",
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["rule_set", "ordering", "pk"]
        verbose_name = _("form of cooperation counted")
        verbose_name_plural = _("forms of cooperation counted")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"], name="one_form_code_per_rule_set"
            )
        ]

    def __str__(self):
        return self.name


# --- Outputs of activities ---------------------------------------------------


class OutputKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    PROTOTYPE = "prototype", _("Prototype")
    PATENT = "patent", _("Patent or other intellectual property")
    PUBLICATION = "publication", _("Publication")
    CURRICULUM = "curriculum", _("Curriculum")
    DOWNSTREAMING = "downstreaming", _("Downstreaming (hilirisasi)")
    OTHER = "other", _("Other")


#: Output kinds counted as downstreaming when the numerator asks for it.
DOWNSTREAMING_KINDS = (
    OutputKind.PRODUCT,
    OutputKind.PROTOTYPE,
    OutputKind.PATENT,
    OutputKind.DOWNSTREAMING,
)


class ActivityOutput(TimeStampedModel):
    """Something an activity produced, with the file that proves it."""

    activity = models.ForeignKey(
        "agreements.Activity",
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="outputs",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutputKind.choices)
    description = models.CharField(_("description"), max_length=500)
    evidence = models.FileField(
        _("evidence file"),
        upload_to=private_upload_to,
        max_length=300,
        blank=True,
        validators=[validate_evidence_file],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["activity", "pk"]
        verbose_name = _("activity output")
        verbose_name_plural = _("activity outputs")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"


# --- Relevance to the institution's vision -----------------------------------


class AgreementRelevance(TimeStampedModel):
    """How an agreement serves the institution's vision, mission, goals and
    strategy (VMTS), in a sentence or two."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="vision_relevance",
    )
    note = models.TextField(_("relevance to the institution's vision"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("relevance to the vision")
        verbose_name_plural = _("relevance to the vision")

    def __str__(self):
        return self.note[:80]


# The annual evaluation report lives in its own module (see its docstring).
from mitra.reports.evaluation_models import EvaluationReport  # noqa: E402, F401
