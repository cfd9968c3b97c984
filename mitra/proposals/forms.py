"""Forms of the proposal pages, the public proposal form and the analysis.

The forms read and tidy what a person typed; the rules live in
`mitra.proposals.services`, and what a service refuses comes back to the
form as a field error (`add_service_errors`).
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mitra.agreements.forms import date_field
from mitra.core.fields import Scope, Tridharma
from mitra.core.models import Unit, UnitKind, User
from mitra.core.permissions import manages_all
from mitra.core.validators import validate_evidence_file
from mitra.partners.models import Partner, PartnerKind
from mitra.planning.models import CooperationType
from mitra.proposals.models import (
    CallForProposals,
    DocumentType,
    Proposal,
    Recommendation,
    RubricCriterion,
    Source,
    validate_tor_file,
)
from mitra.proposals.selectors import calls_for_unit_ids, open_calls
from mitra.proposals.services import unit_choices_for


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
        if target is None and name not in (NON_FIELD_ERRORS, None):
            messages = [
                f"{capfirst(name.replace('_', ' '))}: {message}" for message in messages
            ]
        form.add_error(target, messages)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.year})"


def cooperation_type_field(*, required=False):
    return forms.ModelMultipleChoiceField(
        label=_label(Proposal, "cooperation_types"),
        queryset=CooperationType.objects.filter(is_active=True),
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


def tridharma_field(*, required=False):
    return forms.MultipleChoiceField(
        label=_("Tridharma fields"),
        choices=Tridharma.choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


def tor_field(*, required=False):
    return forms.FileField(
        label=_label(Proposal, "tor_file"),
        required=required,
        validators=[validate_tor_file],
        help_text=_(
            "Terms of reference (kerangka acuan kerja), PDF or DOCX. Required "
            "for an MoA or IA."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".pdf,.docx,application/pdf,application/"
                "vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )


def attachment_fields():
    return (
        forms.FileField(
            label=_("Another file"),
            required=False,
            validators=[validate_evidence_file],
            help_text=_("A letter, a profile, a draft: PDF, Word, Excel or image."),
        ),
        forms.CharField(
            label=_("Description of the file"), max_length=300, required=False
        ),
    )


class ProposalForm(forms.ModelForm):
    """A unit's (or the office's) proposal: create or edit.

    "Save draft" keeps whatever is filled in; "Submit" also checks that the
    proposal is complete, and saves nothing if it is not.
    """

    year = forms.IntegerField(
        label=_label(Proposal, "year"),
        min_value=2000,
        max_value=2999,
        required=False,
        help_text=_("Empty: the call's year, or this year."),
    )
    tridharma = tridharma_field()
    cooperation_types = cooperation_type_field()
    tor_file = tor_field()
    attachment, attachment_description = attachment_fields()

    #: Fields a complete proposal needs (marked on the page).
    SUBMIT_REQUIRED = frozenset(
        {
            "title",
            "document_type",
            "unit",
            "cooperation_types",
            "tridharma",
            "expected_benefit",
            "planned_activities",
        }
    )
    #: Shown to the office only: a proposal that came from outside by letter.
    OFFICE_ONLY = (
        "proposer_name",
        "proposer_organisation",
        "proposer_email",
        "proposer_phone",
    )

    class Meta:
        model = Proposal
        fields = [
            "title",
            "document_type",
            "year",
            "source",
            "call",
            "meeting",
            "unit",
            "proposer_name",
            "proposer_organisation",
            "proposer_email",
            "proposer_phone",
            "partner",
            "partner_name",
            "partner_kind",
            "partner_country",
            "partner_scope",
            "contact_name",
            "contact_position",
            "contact_email",
            "contact_phone",
            "expected_benefit",
            "planned_activities",
        ]
        field_classes = {"unit": UnitChoiceField, "call": CallChoiceField}
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "expected_benefit": forms.Textarea(attrs={"rows": 4}),
            "planned_activities": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        proposal = self.instance
        self.fields["title"].required = True
        self.fields["document_type"].required = False
        self.fields["document_type"].choices = [
            ("", "---------"),
            *DocumentType.choices,
        ]
        self.fields["source"].choices = Source.choices
        units = unit_choices_for(user)
        if proposal.unit_id:
            units = units | Unit.objects.filter(pk=proposal.unit_id)
        self.fields["unit"].queryset = units.distinct().order_by("code")
        self.fields["partner"].queryset = Partner.objects.for_user(user).only(
            "pk", "name"
        )
        self.fields["partner"].help_text = _(
            "Choose a registered partner, or describe a new one below."
        )
        self.fields["partner_kind"].queryset = PartnerKind.objects.all()
        self.fields["partner_scope"].choices = [("", "---------"), *Scope.choices]
        self._set_call_choices(proposal)
        self._set_meeting_choices(proposal)
        if not manages_all(user):
            for name in self.OFFICE_ONLY:
                del self.fields[name]
        if proposal.pk:
            self.initial.setdefault("tridharma", sorted(proposal.fields))
            self.initial.setdefault(
                "cooperation_types", list(proposal.cooperation_types.all())
            )

    def _set_call_choices(self, proposal):
        if manages_all(self.user):
            calls = open_calls()
        else:
            calls = calls_for_unit_ids(self.user.acting_unit_ids)
        if proposal.call_id:
            calls = calls | CallForProposals.objects.filter(pk=proposal.call_id)
        self.fields["call"].queryset = calls.distinct()
        self.fields["call"].help_text = _("The open call this proposal answers.")

    def _set_meeting_choices(self, proposal):
        from mitra.planning.models import Meeting

        try:
            meetings = Meeting.objects.for_user(self.user).order_by("-date", "-pk")
        except LookupError:
            del self.fields["meeting"]
            return
        if proposal.meeting_id:
            meetings = meetings | Meeting.objects.filter(pk=proposal.meeting_id)
        self.fields["meeting"].queryset = meetings.distinct()
        self.fields["meeting"].help_text = _("The meeting the proposal came up in.")

    def clean(self):
        cleaned = super().clean()
        attachment = cleaned.get("attachment")
        if attachment and not cleaned.get("attachment_description"):
            cleaned["attachment_description"] = attachment.name
        return cleaned

    def service_values(self):
        """Return the keyword arguments of `proposal_create`/`proposal_update`."""
        data = dict(self.cleaned_data)
        values = {name: data[name] for name in self.Meta.fields if name in data}
        values["fields"] = set(data.get("tridharma") or ())
        values["cooperation_types"] = list(data.get("cooperation_types") or ())
        if data.get("tor_file"):
            values["tor_file"] = data["tor_file"]
        values["attachments"] = (
            [
                {
                    "file": data["attachment"],
                    "description": data.get("attachment_description", ""),
                }
            ]
            if data.get("attachment")
            else []
        )
        if not values.get("year"):
            values.pop("year", None)
        return values

    def _post_clean(self):
        # The services assign and check the values; the model's own
        # full_clean would repeat (and pre-empt) their messages.
        pass


class PublicProposalForm(forms.Form):
    """A partner's cooperation request on the public site (no account)."""

    proposer_name = forms.CharField(label=_("Your name"), max_length=200)
    proposer_position = forms.CharField(
        label=_("Your position"), max_length=200, required=False
    )
    proposer_email = forms.EmailField(
        label=_("Your email"),
        help_text=_("We send the confirmation and a link to follow the proposal here."),
    )
    proposer_phone = forms.CharField(
        label=_("Your phone"), max_length=50, required=False
    )
    proposer_organisation = forms.CharField(
        label=_("Your organisation"),
        max_length=255,
        help_text=_("Its full legal name, e.g. PT Contoh Teknologi Indonesia."),
    )
    partner_kind = forms.ModelChoiceField(
        label=_("Kind of organisation"), queryset=PartnerKind.objects.all()
    )
    partner_country = forms.CharField(
        label=_("Country"), max_length=100, initial="Indonesia"
    )
    title = forms.CharField(
        label=_("Title of the proposed cooperation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    document_type = forms.ChoiceField(
        label=_("Document you have in mind"),
        choices=DocumentType.choices,
        help_text=_(
            "MoU: a framework agreement between the institutions. MoA/PKS: a "
            "concrete agreement with a department or unit. IA: an arrangement "
            "for one activity."
        ),
    )
    unit = UnitChoiceField(
        label=_("Department or unit concerned"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty if you do not know."),
    )
    cooperation_types = cooperation_type_field(required=True)
    tridharma = tridharma_field(required=True)
    expected_benefit = forms.CharField(
        label=_("Expected benefit"), widget=forms.Textarea(attrs={"rows": 4})
    )
    planned_activities = forms.CharField(
        label=_("Planned activities"), widget=forms.Textarea(attrs={"rows": 4})
    )
    tor_file = tor_field()
    attachment, attachment_description = attachment_fields()
    consent = forms.BooleanField(
        label=_(
            "I agree that the institution stores these data to handle this "
            "proposal and contacts me about it."
        )
    )
    # A field people never see (hidden by CSS and from screen readers);
    # automated senders fill it in and are quietly turned away.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            is_active=True, kind__in=[UnitKind.JURUSAN, UnitKind.PRODI, UnitKind.UNIT]
        ).order_by("code")
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1"}
        )

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("document_type") in ("moa", "ia") and not cleaned.get(
            "tor_file"
        ):
            self.add_error(
                "tor_file",
                _("An MoA or IA proposal needs its TOR/KAK (PDF or DOCX)."),
            )
        return cleaned

    def service_values(self):
        data = dict(self.cleaned_data)
        attachments = (
            [
                {
                    "file": data["attachment"],
                    "description": data.get("attachment_description")
                    or data["attachment"].name,
                }
            ]
            if data.get("attachment")
            else []
        )
        values = {
            name: data[name]
            for name in (
                "title",
                "proposer_name",
                "proposer_email",
                "proposer_phone",
                "proposer_position",
                "proposer_organisation",
                "partner_kind",
                "partner_country",
                "document_type",
                "unit",
                "expected_benefit",
                "planned_activities",
            )
        }
        values.update(
            fields=set(data["tridharma"]),
            cooperation_types=list(data["cooperation_types"]),
            attachments=attachments,
        )
        if data.get("tor_file"):
            values["tor_file"] = data["tor_file"]
        return values


class PublicRevisionForm(forms.Form):
    """What an outside proposer changes when asked for a revision."""

    title = forms.CharField(
        label=_("Title of the proposed cooperation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    document_type = forms.ChoiceField(
        label=_("Document you have in mind"), choices=DocumentType.choices
    )
    cooperation_types = cooperation_type_field(required=True)
    tridharma = tridharma_field(required=True)
    expected_benefit = forms.CharField(
        label=_("Expected benefit"), widget=forms.Textarea(attrs={"rows": 4})
    )
    planned_activities = forms.CharField(
        label=_("Planned activities"), widget=forms.Textarea(attrs={"rows": 4})
    )
    tor_file = tor_field()
    attachment, attachment_description = attachment_fields()
    comment = forms.CharField(
        label=_("What you changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_values(self):
        data = dict(self.cleaned_data)
        values = {
            "title": data["title"],
            "document_type": data["document_type"],
            "expected_benefit": data["expected_benefit"],
            "planned_activities": data["planned_activities"],
            "fields": set(data["tridharma"]),
            "cooperation_types": list(data["cooperation_types"]),
            "attachments": (
                [
                    {
                        "file": data["attachment"],
                        "description": data.get("attachment_description")
                        or data["attachment"].name,
                    }
                ]
                if data.get("attachment")
                else []
            ),
        }
        if data.get("tor_file"):
            values["tor_file"] = data["tor_file"]
        return values


class StatusLinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("The email address you proposed with"))
    website = forms.CharField(required=False, label=_("Leave this field empty"))


class StepForm(forms.Form):
    """The comment going with a workflow step."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, required=False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if label:
            self.fields["comment"].label = label


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Note or reason"),
        required=False,
        help_text=_("Required for a rejection: the proposer reads it."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("comment", ""):
            self.add_error("comment", _("Give the reason for the rejection."))
        return cleaned


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} · {obj.role_label}"


class ReviewersForm(forms.Form):
    reviewers = ReviewerChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Any active staff member; hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True)
        if proposal.created_by_id:
            users = users.exclude(pk=proposal.created_by_id)
        self.fields["reviewers"].queryset = users.order_by(
            "first_name", "last_name", "username"
        )


SCORE_CHOICES = [(str(value), str(value)) for value in range(1, 6)]


class ReviewForm(forms.Form):
    """A reviewer's scores (one field per active criterion), recommendation
    and comment."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=[("", "---------"), *Recommendation.choices],
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        given = {score.criterion_id: score.value for score in review.scores.all()}
        for criterion in self.criteria:
            name = self.field_name(criterion)
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.display_name(),
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                help_text=criterion.description,
                widget=forms.RadioSelect,
            )
            self.initial.setdefault(name, given.get(criterion.pk))
        self.initial.setdefault("recommendation", review.recommendation)
        self.initial.setdefault("comment", review.comment)

    @staticmethod
    def field_name(criterion):
        return f"criterion_{criterion.pk}"

    def score_fields(self):
        return [self[self.field_name(criterion)] for criterion in self.criteria]

    def scores(self):
        return {
            criterion.pk: self.cleaned_data.get(self.field_name(criterion))
            for criterion in self.criteria
        }


class RubricCriterionForm(forms.ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["name", "name_en", "description", "weight", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


RubricFormSet = forms.modelformset_factory(
    RubricCriterion, form=RubricCriterionForm, extra=1, can_delete=False
)


class CallForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999)
    title = forms.CharField(label=_("Title"), max_length=300)
    message = forms.CharField(
        label=_("Message to the units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the office is looking for, and how to propose."),
    )
    deadline = date_field(_("Deadline"), required=True)
    units = UnitMultipleChoiceField(
        label=_("Units invited"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The staff of these units and of the units below them are told."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(
            is_active=True, kind__in=[UnitKind.JURUSAN, UnitKind.PRODI, UnitKind.UNIT]
        ).order_by("code")


class CallDeclineForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: why there is nothing to propose this time."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        choices = list(units[:2])
        if len(choices) == 1:
            self.initial.setdefault("unit", choices[0].pk)
