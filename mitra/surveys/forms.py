"""Forms of the surveys app: the instrument editor, rounds, and answering."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from mitra.monitoring.services import MAX_YEAR, MIN_YEAR
from mitra.surveys.models import (
    DEFAULT_LABELS,
    SCALE,
    Aspect,
    Instrument,
    Item,
    ItemKind,
    Round,
)

#: Longest answer to an open question.
OPEN_ANSWER_LENGTH = 2000


class InstrumentForm(forms.ModelForm):
    class Meta:
        model = Instrument
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AspectForm(forms.ModelForm):
    class Meta:
        model = Aspect
        fields = ["name_id", "name_en", "order"]


class AspectChoiceField(forms.ModelChoiceField):
    """Aspects named in the language of the page, as items are worded."""

    def label_from_instance(self, obj):
        return obj.name_in((translation.get_language() or "id")[:2])


class ItemForm(forms.ModelForm):
    """An item, with the four labels of its scale in each language."""

    label_fields = [
        (language, point, f"label_{language}_{point}")
        for language in ("id", "en")
        for point in SCALE
    ]

    class Meta:
        model = Item
        fields = [
            "aspect",
            "code",
            "text_id",
            "text_en",
            "kind",
            "service_element",
            "order",
            "required",
        ]
        field_classes = {"aspect": AspectChoiceField}
        widgets = {
            "text_id": forms.Textarea(attrs={"rows": 2}),
            "text_en": forms.Textarea(attrs={"rows": 2}),
            "required": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.instrument = instrument
        self.fields["aspect"].queryset = Aspect.objects.filter(instrument=instrument)
        self.fields["aspect"].empty_label = None
        for language, point, name in self.label_fields:
            labels = getattr(self.instance, f"labels_{language}") or []
            initial = (
                labels[point - 1]
                if len(labels) == len(SCALE)
                else DEFAULT_LABELS[language][point - 1]
            )
            language_name = _("Indonesian") if language == "id" else _("English")
            self.fields[name] = forms.CharField(
                label=_("Label of %(point)s (%(language)s)")
                % {"point": point, "language": language_name},
                max_length=80,
                required=False,
                initial=initial,
            )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ItemKind.SCALE:
            for _language, _point, name in self.label_fields:
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Give each point of the scale a label."))
        return data

    def save(self, commit=True):
        item = super().save(commit=False)
        if item.kind == ItemKind.SCALE:
            for language in ("id", "en"):
                setattr(
                    item,
                    f"labels_{language}",
                    [
                        self.cleaned_data[f"label_{language}_{point}"].strip()
                        for point in SCALE
                    ],
                )
        return item


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(forms.ModelForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=Round._meta.get_field("year").help_text,
    )

    class Meta:
        model = Round
        fields = ["title", "year", "instrument", "opens_on", "closes_on", "anonymous"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.order_by("name")
        if self.instance.pk and self.instance.status != "draft":
            for name in ("instrument", "anonymous"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the round is open.")

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on", _("The closing day cannot be before the opening day.")
            )
        return data


class ContactChoiceForm(forms.Form):
    """Which contacts to invite (the choices are set by the view)."""

    contacts = forms.MultipleChoiceField(
        label=_("Contacts"),
        required=True,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Tick at least one contact.")},
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_rows = {str(contact.pk): contact for contact in contacts}
        self.fields["contacts"].choices = [
            (str(contact.pk), str(contact)) for contact in contacts
        ]

    def chosen(self):
        return [self.contact_rows[pk] for pk in self.cleaned_data["contacts"]]


class ScaleField(forms.TypedChoiceField):
    """A point of the 1-4 scale, with a clear message for anything else."""

    default_error_messages = {
        "invalid_choice": _("Choose one of the answers from 1 to 4."),
        "required": _("Please answer this question."),
    }


class AnswerForm(forms.Form):
    """The questionnaire of a round, built from its instrument's items.

    Field names are `item_<pk>`; labels and choices are in `language`.
    """

    def __init__(self, *args, items, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.language = language
        for item in self.items:
            name = self.field_name(item)
            if item.kind == ItemKind.SCALE:
                labels = item.labels_in(language)
                choices = [(point, labels[point - 1]) for point in SCALE]
                if not item.required:
                    choices.append(("", _("Not applicable")))
                self.fields[name] = ScaleField(
                    label=item.text_in(language),
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=item.required,
                    widget=forms.RadioSelect(
                        attrs={"class": "btn-check", "autocomplete": "off"}
                    ),
                )
            else:
                self.fields[name] = forms.CharField(
                    label=item.text_in(language),
                    required=item.required,
                    max_length=OPEN_ANSWER_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={"required": _("Please answer this question.")},
                )

    @staticmethod
    def field_name(item):
        return f"item_{item.pk}"

    def answers(self):
        """Return {item: value} of the questions answered."""
        values = {}
        for item in self.items:
            value = self.cleaned_data.get(self.field_name(item))
            if value not in (None, ""):
                values[item] = value
        return values
