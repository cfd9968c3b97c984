"""Forms of the planning pages.

Forms only read and tidy what a person typed; the rules live in
`mitra.planning.services`, and what a service refuses comes back to the
form as a field error (`add_service_errors`).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from mitra.agreements.forms import date_field
from mitra.agreements.models import DocumentType
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import User
from mitra.partners.models import Partner
from mitra.planning.models import (
    AnnualTarget,
    CooperationType,
    ItemStatus,
    MeetingKind,
    NeedLevel,
    TargetMeasure,
)
from mitra.planning.printed_forms import MONTHS
from mitra.planning.services import FIRST_YEAR, LAST_YEAR

TEXTAREA = {"rows": 3}


def add_service_errors(form, error):
    """Show a service's ValidationError on the form, by field where it can."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(target, messages)


def year_field(label=None, **kwargs):
    return forms.IntegerField(
        label=label or _("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


def staff_user_choices():
    """Return (pk, name) of every active staff account, in one query."""
    users = User.objects.filter(is_active=True).order_by(
        "first_name", "last_name", "username"
    )
    return [(user.pk, str(user)) for user in users]


# --- Cooperation types ---------------------------------------------------------


class CooperationTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(
        label=_("Name in English"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("What this type covers; units read it when they map needs."),
    )
    fields = forms.MultipleChoiceField(
        label=_("Tridharma fields served"),
        choices=Tridharma.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ordering = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32767, required=False
    )
    is_active = forms.BooleanField(
        label=_("Active (offered in mappings, targets and agreements)"),
        required=False,
        initial=True,
    )


# --- Needs mapping ---------------------------------------------------------------


class MappingOpenForm(forms.Form):
    year = year_field()
    instructions = forms.CharField(
        label=_("Instructions for units"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    copy_previous = forms.BooleanField(
        label=_("Start from the previous mapping's answers"), required=False
    )
    notify_units = forms.BooleanField(
        label=_("Tell unit staff to fill in their needs"),
        required=False,
        initial=True,
    )


class MappingInstructionsForm(forms.Form):
    instructions = forms.CharField(
        label=_("Instructions for units"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class NeedRowForm(forms.Form):
    """One cooperation type's row in a unit's needs form."""

    cooperation_type = forms.IntegerField(widget=forms.HiddenInput)
    level = forms.ChoiceField(label=_("Need"), choices=NeedLevel.choices)
    partner_profile = forms.CharField(
        label=_("Partner profile wanted"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 1})
    )


NeedFormSet = forms.formset_factory(NeedRowForm, extra=0, max_num=500)


# --- Targets -----------------------------------------------------------------------


class TargetForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        empty_label=_("The institution as a whole"),
    )
    measure = forms.ChoiceField(
        label=_("Counts"), choices=TargetMeasure.choices, initial="agreements"
    )
    document_type = forms.ChoiceField(
        label=_("Document type"),
        choices=[("", _("Any type")), *DocumentType.choices],
        required=False,
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=[("", _("Any scope")), *Scope.choices], required=False
    )
    cooperation_type = forms.ModelChoiceField(
        label=_("Cooperation type"),
        queryset=CooperationType.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any cooperation type"),
    )
    count = forms.IntegerField(
        label=_("Target"),
        min_value=0,
        max_value=100000,
        error_messages={"min_value": _("A target cannot be negative.")},
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TargetsCopyForm(forms.Form):
    from_year = year_field(_("Copy the targets of"))


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Meetings -----------------------------------------------------------------------


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    date = date_field(_("Date"), required=True)
    start_time = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    unit = UnitChoiceField(
        label=_("Unit met"),
        queryset=None,
        required=False,
        help_text=_("For a meeting with a unit."),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner met"),
        queryset=Partner.objects.order_by("name"),
        required=False,
        help_text=_("For a meeting with a partner."),
    )
    chair = forms.TypedChoiceField(
        label=_("Chaired by"), coerce=int, required=False, empty_value=None
    )
    minute_taker = forms.TypedChoiceField(
        label=_("Minutes taken by"), coerce=int, required=False, empty_value=None
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    discussion = forms.CharField(
        label=_("Discussion"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    decisions = forms.CharField(
        label=_("Decisions"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, units, user_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        blank = [("", "—")]
        self.fields["chair"].choices = blank + user_choices
        self.fields["minute_taker"].choices = blank + user_choices


class AttendeeForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    user = forms.TypedChoiceField(
        label=_("User"), coerce=int, required=False, empty_value=None
    )
    name = forms.CharField(
        label=_("Guest's name"),
        max_length=200,
        required=False,
        help_text=_("For someone without a Mitra account."),
    )
    organisation = forms.CharField(
        label=_("Organisation or unit"), max_length=200, required=False
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    present = forms.BooleanField(label=_("Present"), required=False, initial=True)

    def __init__(self, *args, user_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *user_choices]

    def clean(self):
        data = super().clean()
        filled = self.has_changed() and not data.get("DELETE")
        if filled and not data.get("user") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Choose a user or write the guest's name."))
        return data


class ActionItemForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"), coerce=int, required=False, empty_value=None
    )
    due_date = date_field(_("Due date"))

    def __init__(self, *args, user_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *user_choices]

    def clean(self):
        data = super().clean()
        if self.has_changed() and not data.get("DELETE"):
            if not (data.get("description") or "").strip():
                self.add_error("description", _("Describe the action."))
            if not data.get("owner"):
                self.add_error("owner", _("Choose who will do it."))
        return data


AttendeeFormSet = forms.formset_factory(
    AttendeeForm, extra=3, can_delete=True, max_num=200
)
ActionItemFormSet = forms.formset_factory(
    ActionItemForm, extra=2, can_delete=True, max_num=200
)


# --- The annual programme ------------------------------------------------------------

MONTH_CHOICES = [("", "—")] + [(index, name) for index, name in enumerate(MONTHS, 1)]


class ProgrammeOpenForm(forms.Form):
    year = year_field()
    introduction = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ProgrammeIntroductionForm(forms.Form):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ProgrammeItemForm(forms.Form):
    title = forms.CharField(label=_("Initiative"), max_length=300)
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.order_by("name"),
        required=False,
    )
    partner_profile = forms.CharField(
        label=_("Partner profile wanted"),
        max_length=300,
        required=False,
        help_text=_("When no partner is known yet."),
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=None, required=False)
    cooperation_types = forms.ModelMultipleChoiceField(
        label=_("Cooperation types"),
        queryset=CooperationType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_month = forms.TypedChoiceField(
        label=_("From month"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    end_month = forms.TypedChoiceField(
        label=_("To month"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    budget = forms.DecimalField(
        label=_("Budget (IDR)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        required=False,
        error_messages={"min_value": _("A budget cannot be negative.")},
    )
    funding_source = forms.CharField(
        label=_("Funding source"), max_length=200, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    target = forms.ModelChoiceField(
        label=_("Serves target"), queryset=None, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, units, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["target"].queryset = AnnualTarget.objects.filter(
            year=year
        ).select_related("unit", "cooperation_type")
        self.fields["target"].label_from_instance = lambda target: target.describe()


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)


# --- Multi-year plans -----------------------------------------------------------------


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    start_year = year_field(_("First year"))
    end_year = year_field(_("Last year"))
    approved_on = date_field(_("Approved on"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last year cannot come before the first."))
        return data


class PlanUploadForm(PlanForm):
    file = forms.FileField(
        label=_("Plan (PDF or DOCX)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,application/vnd."
                "openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    field_order = ["title", "start_year", "end_year", "file", "approved_on", "notes"]
