"""Forms of the monitoring pages; the rules live in `mitra.monitoring.services`."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import Activity
from mitra.core.clock import today
from mitra.core.validators import validate_evidence_file
from mitra.monitoring.models import ImplementationStatus, MonitoringRound, PeriodKind
from mitra.monitoring.services import MAX_YEAR, MIN_YEAR

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


def date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def add_service_errors(form, error):
    """Show a service's ValidationError on the form, by field where it can."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(target, messages)


class RoundOpenForm(forms.Form):
    """Open a round: the period, its due date, and a note for the units."""

    period_kind = forms.ChoiceField(
        label=_("Period"), choices=PeriodKind.choices, initial=PeriodKind.ODD_SEMESTER
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=MonitoringRound._meta.get_field("year").help_text,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Monitoring” and the period's name."),
    )
    reference_date = date_field(
        _("Reference date"),
        help_text=_(
            "Agreements in force on this day get an entry. Empty: the "
            "period's last day, or today while the period runs."
        ),
    )
    due_date = date_field(_("Due date"), required=True)
    notes = forms.CharField(
        label=_("Notes for the units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        on = today()
        # The academic year running now: from August, the one starting now.
        self.fields["year"].initial = on.year if on.month >= 8 else on.year - 1


class RoundForm(forms.Form):
    """Change a round's title, due date and notes."""

    title = forms.CharField(label=_("Title"), max_length=200)
    due_date = date_field(_("Due date"), required=True)
    notes = forms.CharField(
        label=_("Notes for the units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        from mitra.documents.services import long_date

        when = long_date(obj.start_date)
        if obj.end_date and obj.end_date != obj.start_date:
            when += " \u2013 " + long_date(obj.end_date)
        return f"{obj.title} ({when})"


class EntryForm(forms.Form):
    """What a unit reports on one agreement for the round."""

    implementation_status = forms.ChoiceField(
        label=_("Implementation status"),
        choices=[("", "—"), *ImplementationStatus.choices],
        required=False,
    )
    activities = ActivityChoiceField(
        label=_("Activities carried out in the period"),
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    benefits = forms.CharField(
        label=_("Benefits"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the study programmes, students, lecturers, the partner."),
    )
    obstacles = forms.CharField(
        label=_("Obstacles"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(
        label=_("Follow-up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will be done next, by whom."),
    )

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        monitoring_round = entry.round
        start, end = monitoring_round.period_start, monitoring_round.period_end
        in_period = Q(start_date__lte=end) & (
            Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
        )
        chosen = [activity.pk for activity in entry.activities.all()]
        self.fields["activities"].queryset = Activity.objects.filter(
            Q(pk__in=chosen) | in_period, agreement_id=entry.agreement_id
        ).order_by("start_date", "pk")


class EvidenceForm(forms.Form):
    """One evidence file: a report, photo, attendance list or certificate."""

    description = forms.CharField(label=_("What the file shows"), max_length=300)
    file = forms.FileField(label=_("File"), validators=[validate_evidence_file])


EvidenceFormSet = forms.formset_factory(EvidenceForm, extra=2)
