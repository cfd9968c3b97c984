"""Forms of the agreement pages.

The forms only read and tidy what a person typed; the rules on agreements
and activities live in `mitra.agreements.services`, and a rule the service
refuses comes back to the form as a field error (`add_service_errors`).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, Value, When
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mitra.agreements.models import (
    SIGNED_STATUSES,
    Agreement,
    DocumentType,
    Status,
)
from mitra.agreements.services import PARTICIPATION_COUNTS
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import Unit, UnitKind, User
from mitra.core.permissions import acting_unit_ids, manages_all
from mitra.core.validators import validate_evidence_file, validate_pdf
from mitra.partners.models import Contact, Partner
from mitra.planning.models import CooperationType

#: HTML date inputs send ISO dates; people typing by hand write day first.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


#: Likely parents first in the choice list: MoUs, then MoAs, others, IAs.
_PARENT_ORDER = Case(
    When(document_type=DocumentType.MOU, then=Value(0)),
    When(document_type=DocumentType.MOA, then=Value(1)),
    When(document_type=DocumentType.OTHER, then=Value(2)),
    default=Value(3),
)


def date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def add_service_errors(form, error):
    """Show a service's ValidationError on the form, by field where it can."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = name if name in form.fields else None
        if name == NON_FIELD_ERRORS:
            target = None
        form.add_error(target, messages)


class AgreementChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.partner.name} — {obj}"


class AgreementForm(forms.Form):
    """Create or edit an agreement (all its own fields and its relations)."""

    partner = forms.ModelChoiceField(
        label=_label(Agreement, "partner"), queryset=Partner.objects.none()
    )
    document_type = forms.ChoiceField(
        label=_label(Agreement, "document_type"), choices=DocumentType.choices
    )
    number = forms.CharField(
        label=_label(Agreement, "number"),
        max_length=120,
        required=False,
        help_text=_(
            "Proposed from the office's numbering pattern for the document type; "
            "leave empty for a draft."
        ),
    )
    partner_number = forms.CharField(
        label=_label(Agreement, "partner_number"), max_length=120, required=False
    )
    title = forms.CharField(
        label=_label(Agreement, "title"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parents = AgreementChoiceField(
        label=_label(Agreement, "parents"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_(
            "An MoA sits under MoU(s), an IA under an MoA, an addendum "
            "under the agreement it amends."
        ),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    no_parent_reason = forms.CharField(
        label=_label(Agreement, "no_parent_reason"),
        max_length=300,
        required=False,
        help_text=_("Needed when an MoA, IA or addendum has no parent document."),
    )
    units = forms.ModelMultipleChoiceField(
        label=_label(Agreement, "units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    tridharma = forms.MultipleChoiceField(
        label=_("Tridharma fields"),
        choices=Tridharma.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cooperation_types = forms.ModelMultipleChoiceField(
        label=_label(Agreement, "cooperation_types"),
        queryset=CooperationType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope = forms.ChoiceField(
        label=_label(Agreement, "scope"),
        choices=[("", _("The partner's scope")), *Scope.choices],
        required=False,
    )
    start_date = date_field(_label(Agreement, "start_date"))
    end_date = date_field(_label(Agreement, "end_date"))
    open_ended = forms.BooleanField(label=_("Open-ended (no end date)"), required=False)
    status = forms.ChoiceField(
        label=_label(Agreement, "status"), choices=Status.choices
    )
    signed_on = date_field(_label(Agreement, "signed_on"))
    our_signatory_name = forms.CharField(
        label=_label(Agreement, "our_signatory_name"), max_length=200, required=False
    )
    our_signatory_position = forms.CharField(
        label=_label(Agreement, "our_signatory_position"),
        max_length=200,
        required=False,
    )
    partner_signatory_name = forms.CharField(
        label=_label(Agreement, "partner_signatory_name"),
        max_length=200,
        required=False,
    )
    partner_signatory_position = forms.CharField(
        label=_label(Agreement, "partner_signatory_position"),
        max_length=200,
        required=False,
    )
    responsible_user = forms.ModelChoiceField(
        label=_label(Agreement, "responsible_user"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("When empty, the contacts of the agreement's units."),
    )
    partner_contact = ContactChoiceField(
        label=_label(Agreement, "partner_contact"),
        queryset=Contact.objects.none(),
        required=False,
    )
    value = forms.DecimalField(
        label=_label(Agreement, "value"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    funding_source = forms.CharField(
        label=_label(Agreement, "funding_source"), max_length=200, required=False
    )
    signed_file = forms.FileField(
        label=_label(Agreement, "signed_file"),
        required=False,
        validators=[validate_pdf],
        # Stored files have no public URL, so the current one is shown by the
        # page (a link through the gate) rather than by a clearable widget.
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    remove_signed_file = forms.BooleanField(
        label=_("Remove the stored signed document"), required=False
    )
    renews = forms.ModelChoiceField(
        label=_label(Agreement, "renews"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("The earlier agreement this one renews."),
    )
    terminated_on = date_field(_label(Agreement, "terminated_on"))
    termination_reason = forms.CharField(
        label=_label(Agreement, "termination_reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_label(Agreement, "notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    #: Fields passed to the service as they are.
    SCALARS = (
        "partner",
        "document_type",
        "number",
        "partner_number",
        "title",
        "no_parent_reason",
        "scope",
        "start_date",
        "end_date",
        "status",
        "signed_on",
        "our_signatory_name",
        "our_signatory_position",
        "partner_signatory_name",
        "partner_signatory_position",
        "responsible_user",
        "partner_contact",
        "value",
        "funding_source",
        "renews",
        "terminated_on",
        "termination_reason",
        "notes",
    )

    def __init__(self, *args, user, agreement=None, **kwargs):
        self.user = user
        self.agreement = agreement
        if agreement is not None:
            kwargs.setdefault("initial", self._initial_from(agreement))
        super().__init__(*args, **kwargs)

        visible = Agreement.objects.for_user(user)
        if agreement is not None:
            visible = visible.exclude(pk=agreement.pk)
        self.fields["partner"].queryset = Partner.objects.for_user(user)
        self.fields["parents"].queryset = visible.exclude(
            document_type=DocumentType.ADDENDUM
        ).order_by(_PARENT_ORDER, "number", "pk")
        self.fields["renews"].queryset = visible.order_by("number", "pk")
        self.fields["units"].queryset = self._unit_choices()
        self.fields["cooperation_types"].queryset = CooperationType.objects.filter(
            is_active=True
        )
        self.fields["responsible_user"].queryset = User.objects.filter(is_active=True)
        self.fields["partner_contact"].queryset = Contact.objects.filter(
            is_active=True
        ).select_related("partner")

    def _unit_choices(self):
        units = Unit.objects.filter(is_active=True)
        if manages_all(self.user):
            return units
        return units.filter(pk__in=acting_unit_ids(self.user))

    @staticmethod
    def _initial_from(agreement):
        initial = {name: getattr(agreement, name) for name in AgreementForm.SCALARS}
        initial.update(
            partner=agreement.partner_id,
            responsible_user=agreement.responsible_user_id,
            partner_contact=agreement.partner_contact_id,
            renews=agreement.renews_id,
            parents=[parent.pk for parent in agreement.parents.all()],
            units=[unit.pk for unit in agreement.units.all()],
            cooperation_types=[kind.pk for kind in agreement.cooperation_types.all()],
            tridharma=sorted(agreement.fields),
            number=agreement.number or "",
            open_ended=agreement.end_date is None and not agreement.is_pre_signing,
        )
        return initial

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_ended"):
            if cleaned.get("end_date"):
                self.add_error(
                    "end_date",
                    _("Give an end date or tick open-ended, not both."),
                )
            cleaned["end_date"] = None
        elif (
            cleaned.get("status") in SIGNED_STATUSES
            and "end_date" in cleaned
            and cleaned["end_date"] is None
        ):
            self.add_error(
                "end_date",
                _("Give the end date, or tick open-ended when there is none."),
            )
        return cleaned

    def service_values(self):
        """Return the keyword arguments for agreement_create/agreement_update."""
        data = self.cleaned_data
        values = {name: data[name] for name in self.SCALARS}
        values["fields"] = set(data["tridharma"])
        values["cooperation_types"] = list(data["cooperation_types"])
        values["parents"] = list(data["parents"]) + self._kept(
            "parents", self.fields["parents"].queryset
        )
        values["units"] = list(data["units"]) + self._kept(
            "units", self.fields["units"].queryset
        )
        upload = data.get("signed_file")
        if isinstance(upload, UploadedFile):
            values["signed_file"] = upload
        elif data.get("remove_signed_file"):
            values["signed_file"] = ""
        return values

    def _kept(self, name, choices):
        """Current related rows the person could not choose, kept as they are.

        A unit user edits an agreement shared with another jurusan without
        removing it; a parent hidden from them stays linked.
        """
        if self.agreement is None:
            return []
        offered = set(choices.values_list("pk", flat=True))
        return [
            obj for obj in getattr(self.agreement, name).all() if obj.pk not in offered
        ]


class AgreementDeleteForm(forms.Form):
    """A confirmation: deleting a draft is a deliberate act."""


class ActivityForm(forms.Form):
    """An activity under an agreement (without its counts and evidence)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    form = forms.ModelChoiceField(
        label=_("Form of activity"),
        queryset=CooperationType.objects.none(),
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False
    )
    start_date = date_field(_("Start date"), required=True)
    end_date = date_field(_("End date"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    benefit = forms.CharField(
        label=_("Benefit for the study programme"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    output = forms.CharField(
        label=_("Output"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    FIELDS = (
        "title",
        "form",
        "unit",
        "start_date",
        "end_date",
        "description",
        "benefit",
        "output",
    )

    def __init__(self, *args, user, agreement, activity=None, **kwargs):
        if activity is not None:
            initial = {name: getattr(activity, name) for name in self.FIELDS}
            initial.update(form=activity.form_id, unit=activity.unit_id)
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = CooperationType.objects.filter(is_active=True)
        units = Unit.objects.filter(is_active=True)
        if not manages_all(user):
            own = set(acting_unit_ids(user))
            own |= {unit.pk for unit in agreement.units.all()}
            if activity is not None and activity.unit_id:
                own.add(activity.unit_id)
            units = units.filter(pk__in=own)
        self.fields["unit"].queryset = units

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned

    def service_values(self):
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ParticipationForm(forms.Form):
    """Participants of the activity from one study programme."""

    unit = forms.ModelChoiceField(
        label=_("Study programme"),
        queryset=Unit.objects.filter(kind=UnitKind.PRODI, is_active=True),
    )
    students = forms.IntegerField(
        label=_("Students"), min_value=0, initial=0, required=False
    )
    students_credited = forms.IntegerField(
        label=_("Students with credits recognised"),
        min_value=0,
        initial=0,
        required=False,
    )
    certificates = forms.IntegerField(
        label=_("Certificates issued"), min_value=0, initial=0, required=False
    )
    lecturers = forms.IntegerField(
        label=_("Lecturers"), min_value=0, initial=0, required=False
    )

    def has_changed(self):
        # A spare row left at its zeros is not an entry.
        values = [self[name].value() for name in ("unit", *PARTICIPATION_COUNTS)]
        if all(str(value or "0").strip() in ("", "0") for value in values):
            return False
        return super().has_changed()

    def clean(self):
        cleaned = super().clean()
        students = cleaned.get("students") or 0
        if (cleaned.get("students_credited") or 0) > students:
            self.add_error(
                "students_credited",
                _("More than the students involved."),
            )
        # A certificate goes to a participant: a student or a lecturer.
        participants = students + (cleaned.get("lecturers") or 0)
        if (cleaned.get("certificates") or 0) > participants:
            self.add_error(
                "certificates",
                _("More than the students and lecturers involved."),
            )
        return cleaned


class BaseParticipationFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            unit = form.cleaned_data["unit"]
            if unit.pk in seen:
                raise forms.ValidationError(
                    _("%(unit)s is listed twice.") % {"unit": unit}
                )
            seen.add(unit.pk)

    def rows(self):
        """Return the rows to keep, as participations_set expects them."""
        return [
            {
                "unit": form.cleaned_data["unit"],
                **{key: form.cleaned_data[key] or 0 for key in PARTICIPATION_COUNTS},
            }
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


ParticipationFormSet = forms.formset_factory(
    ParticipationForm, formset=BaseParticipationFormSet, extra=2, can_delete=True
)


def participation_initial(activity):
    return [
        {
            "unit": row.unit_id,
            **{key: getattr(row, key) for key in PARTICIPATION_COUNTS},
        }
        for row in activity.participations.all()
    ]


class EvidenceForm(forms.Form):
    """One evidence file: a report, photo, certificate or attendance list."""

    description = forms.CharField(label=_("What the file shows"), max_length=300)
    file = forms.FileField(label=_("File"), validators=[validate_evidence_file])


EvidenceFormSet = forms.formset_factory(EvidenceForm, extra=2)
