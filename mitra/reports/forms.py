"""Forms of the indicator, accreditation-table and ministry pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.clock import today
from mitra.core.models import Unit, UnitKind
from mitra.core.validators import validate_evidence_file
from mitra.reports.lkps import EXTRA_COLUMNS
from mitra.reports.models import (
    CountingWindow,
    OutputDenominator,
    OutputKind,
    OutputNumerator,
    RuleSet,
    RuleSetKind,
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def _year_field(label):
    return forms.IntegerField(
        label=label,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "style": "width:7em"}),
    )


class YearForm(forms.Form):
    """The year a page is computed for (default: this year)."""

    year = _year_field(_("Year"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An unbound form shows the year the page is computed for.
        self.fields["year"].initial = today().year

    def chosen_year(self):
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return today().year


class LkpsForm(forms.Form):
    """The study programme and TS of the accreditation table."""

    programme = forms.ModelChoiceField(
        label=_("Study programme"),
        queryset=Unit.objects.none(),
        empty_label=_("(choose a study programme)"),
    )
    ts = _year_field(_("TS (the last year)"))
    extra = forms.MultipleChoiceField(
        label=_("Extra columns"),
        choices=list(EXTRA_COLUMNS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = (
            Unit.objects.for_user(user)
            .filter(kind=UnitKind.PRODI)
            .select_related("parent")
            .order_by("name")
        )

    def chosen_ts(self):
        return self.cleaned_data.get("ts") or today().year


class MinistryForm(forms.Form):
    year = _year_field(_("Year"))
    rule_set = forms.ModelChoiceField(
        label=_("Rule set"),
        queryset=RuleSet.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("(the one that applies to the year)"),
    )
    window = forms.ChoiceField(
        label=_("Agreements counted"),
        choices=[("", _("(the rule set's setting)")), *CountingWindow.choices],
        required=False,
    )


class RuleSetSettingsForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["counting_window", "numerator", "denominator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counting_window"].choices = [
            ("", _("Installation default")),
            *CountingWindow.choices,
        ]
        self.fields["numerator"].choices = [
            ("", _("Installation default")),
            *OutputNumerator.choices,
        ]
        self.fields["denominator"].choices = [
            ("", _("Installation default")),
            *OutputDenominator.choices,
        ]
        # Only the weighted count of 2023 (IKU 3.1) falls back on
        # MITRA_IKU_2023_WINDOW; the output count of 2025 (IKU 5) has settings
        # of its own, MITRA_IKU_2025_NUMERATOR and _DENOMINATOR, on the fields
        # below (see RuleSet.window).
        if self.instance.kind == RuleSetKind.WEIGHTED:
            self.fields["counting_window"].help_text = _(
                "Empty: the installation's default (MITRA_IKU_2023_WINDOW)."
            )
        else:
            self.fields["counting_window"].choices = [
                ("", _("Default (in force during the year)")),
                *CountingWindow.choices,
            ]
            self.fields["counting_window"].help_text = _(
                "Empty: those in force at some time during the year."
            )
        if self.instance.kind != RuleSetKind.OUTPUT:
            del self.fields["numerator"]
            del self.fields["denominator"]


class ActivityOutputForm(forms.Form):
    """One output of an activity: what it is, and the file proving it."""

    kind = forms.ChoiceField(label=_("Kind of output"), choices=OutputKind.choices)
    description = forms.CharField(label=_("What was produced"), max_length=500)
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        validators=[validate_evidence_file],
        help_text=_("PDF, image or Office file."),
    )


class RelevanceForm(forms.Form):
    note = forms.CharField(
        label=_("Relevance to the institution's vision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "How this cooperation serves the vision, mission, goals and "
            "strategy. Leave empty to remove the note."
        ),
    )
