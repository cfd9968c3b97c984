"""The form the office sets a numbering pattern with.

The rules it enforces are those of `mitra.core.numbering`: a pattern's
placeholders (`validate_pattern`) and whether its settings fit together
(`check_pattern`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from mitra.core.models import NumberingPattern, Unit
from mitra.core.numbering import check_pattern, known_kinds, validate_pattern

#: What a new pattern starts from: three digits, type, month, year.
SUGGESTED_PATTERN = "{seq:03}/{type}/{month_roman}/{year}"


class NumberingPatternForm(forms.ModelForm):
    """A numbering pattern, with a unit to preview its numbers for."""

    kind = forms.ChoiceField(label=_("Record kind"))
    preview_unit = forms.ModelChoiceField(
        label=_("Preview for unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Only used to show the next number; not saved."),
    )

    class Meta:
        model = NumberingPattern
        fields = ["kind", "pattern", "type_code", "reset", "per_unit", "start_at"]
        help_texts = {
            "pattern": _(
                "For example {seq:03}/{type}.{unit}/{month_roman}/{year}. "
                "Placeholders: {seq} the running number ({seq:03} pads it to "
                "three digits), {type} the type code, {unit} the unit's code, "
                "{month_roman} the month as I-XII, {month} as 01-12, {year}."
            ),
            "start_at": _(
                "The lowest running number, e.g. to continue a register kept "
                "by hand: numbers already used are skipped anyway."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = known_kinds()
        taken = set(NumberingPattern.objects.values_list("kind", flat=True))
        if self.instance.pk:
            current = self.instance.kind
            self.fields["kind"].choices = [(current, kinds.get(current, current))]
            self.fields["kind"].disabled = True
        else:
            self.fields["kind"].choices = [
                (kind, label) for kind, label in kinds.items() if kind not in taken
            ]
        self.fields["start_at"].validators.append(MinValueValidator(1))
        self.fields["start_at"].widget.attrs["min"] = 1
        self.fields["preview_unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["pattern"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def clean_pattern(self):
        pattern = self.cleaned_data["pattern"]
        validate_pattern(pattern)
        return pattern

    def clean(self):
        cleaned = super().clean()
        if "pattern" in cleaned:
            try:
                check_pattern(
                    pattern=cleaned["pattern"],
                    type_code=cleaned.get("type_code") or "",
                    reset=cleaned.get("reset"),
                    per_unit=cleaned.get("per_unit", False),
                )
            except ValidationError as error:
                for name, errors in error.error_dict.items():
                    self.add_error(name, errors)
        return cleaned
