"""Partners (*mitra*): the other parties of cooperation, with their contacts.

A partner has one displayed name and any number of aliases — other spellings
and abbreviations met in registers. Every name is also kept normalised (case,
spacing, punctuation and the legal form such as PT or CV removed), so that a
second spelling of a known partner finds it instead of creating a twin.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mitra.core.fields import Scope, name_in_language
from mitra.core.models import GatedQuerySet, TimeStampedModel
from mitra.partners.names import normalize_name


class PartnerKind(models.Model):
    """A kind of partner (university, industry, government, …), as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    is_industry = models.BooleanField(
        _("industry"),
        default=False,
        help_text=_("Counts as industry (DUDI) in the ministry's indicators."),
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name = _("partner kind")
        verbose_name_plural = _("partner kinds")

    def __str__(self):
        return name_in_language(self.name, self.name_en)


class PartnerQuerySet(GatedQuerySet):
    def by_name(self, name):
        """Return the partners whose name or an alias normalises like `name`."""
        key = normalize_name(name)
        return self.filter(
            models.Q(normalized_name=key) | models.Q(aliases__normalized_name=key)
        ).distinct()


class Partner(TimeStampedModel):
    """An organisation the institution cooperates with."""

    # Null until the first save gives the row its id (codes are unique).
    code = models.CharField(  # noqa: DJ001
        _("partner code"), max_length=20, unique=True, null=True, editable=False
    )
    name = models.CharField(_("name"), max_length=255)
    normalized_name = models.CharField(max_length=255, unique=True, editable=False)
    kind = models.ForeignKey(
        PartnerKind,
        verbose_name=_("kind"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.NATIONAL
    )
    country = models.CharField(_("country"), max_length=100, default="Indonesia")
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["normalized_name"])
    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)
        if not self.code:
            self.code = f"M{self.pk:05d}"
            type(self).objects.filter(pk=self.pk).update(code=self.code)
            # The creation entry was written before the code existed; without
            # it the first edit would show the code as changed.
            self.history.filter(code__isnull=True).update(code=self.code)


class PartnerAlias(models.Model):
    """Another spelling or abbreviation under which a partner is known."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name"), max_length=255)
    normalized_name = models.CharField(max_length=255, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class Contact(TimeStampedModel):
    """A person at a partner: signatory, responsible person, survey answerer."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="id",
        help_text=_("Language of messages and forms sent to this contact."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = GatedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.position})" if self.position else self.name


class PartnerMerge(models.Model):
    """The record of one partner absorbed into another."""

    kept = models.ForeignKey(
        Partner,
        verbose_name=_("kept partner"),
        on_delete=models.CASCADE,
        related_name="merges",
    )
    absorbed_name = models.CharField(_("absorbed partner"), max_length=255)
    absorbed_code = models.CharField(_("absorbed code"), max_length=20, blank=True)
    moved = models.JSONField(_("records moved"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("partner merge")
        verbose_name_plural = _("partner merges")

    def __str__(self):
        return f"{self.absorbed_name} → {self.kept}"


class DuplicateDismissal(models.Model):
    """A pair of partners a person judged not to be the same organisation.

    Kept so the pair is not suggested as a likely duplicate again. The pair is
    stored in one order (lower id first), so it is recorded only once.
    """

    # No reverse accessors: the pair is always looked up from both sides.
    partner_a = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    partner_b = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dismissed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed duplicate")
        verbose_name_plural = _("dismissed duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["partner_a", "partner_b"], name="one_dismissal_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(partner_a__lt=models.F("partner_b")),
                name="dismissal_pair_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.partner_a_id} ≠ {self.partner_b_id}"


class PartnerRuleCategory(models.Model):
    """A partner's category under one of the ministry's rule sets.

    The rule sets and their categories are kept by the reports app; a
    partner without a row here falls in the category its kind gives by
    default, and a row with no category says it is in none of them.
    """

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="rule_categories",
    )
    rule_set = models.ForeignKey(
        "reports.RuleSet",
        verbose_name=_("rule set"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        "reports.PartnerCategory",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: in none of the rule set's categories."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner's category under a rule set")
        verbose_name_plural = _("partners' categories under rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "rule_set"], name="one_category_per_rule_set"
            )
        ]

    def __str__(self):
        return f"{self.partner_id} · {self.rule_set_id}: {self.category_id}"
