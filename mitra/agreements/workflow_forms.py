"""Forms of the signing workflow: clauses, drafts, review, negotiation,
signing, renewal, addendum and termination.

Like the agreement forms they only read and tidy what was typed; the rules
live in `mitra.agreements.drafting` and `mitra.agreements.workflow`, whose
refusals come back as field errors (`add_service_errors`).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.agreements.forms import date_field
from mitra.agreements.models import (
    Clause,
    ClauseCategory,
    Decision,
    ReviewerCapacity,
    validate_draft_file,
)
from mitra.agreements.workflow import MAX_COMMENT
from mitra.core.fields import Scope
from mitra.core.models import Unit, User
from mitra.core.validators import validate_pdf
from mitra.partners.models import Contact
from mitra.planning.models import CooperationType

PDF_INPUT = forms.FileInput(attrs={"accept": "application/pdf"})
DRAFT_INPUT = forms.FileInput(
    attrs={
        "accept": ".docx,.pdf,application/pdf,application/vnd.openxmlformats-"
        "officedocument.wordprocessingml.document"
    }
)


class ClauseForm(forms.ModelForm):
    """A clause of the library, in Indonesian and English."""

    class Meta:
        model = Clause
        fields = [
            "title_id",
            "title_en",
            "category",
            "order",
            "text_id",
            "text_en",
            "is_active",
        ]
        widgets = {
            "text_id": forms.Textarea(attrs={"rows": 6}),
            "text_en": forms.Textarea(attrs={"rows": 6}),
        }

    def service_values(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ClauseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        category = ClauseCategory(obj.category).label
        return f"{obj.title_id} · {category}"


class DraftGenerateForm(forms.Form):
    """Choose the clauses and generate the next version from the template."""

    clauses = ClauseChoiceField(
        label=_("Clauses"),
        queryset=Clause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They are printed in the library's order."),
    )
    note = forms.CharField(
        label=_("Note on this version"), max_length=500, required=False
    )

    def __init__(self, *args, chosen=(), **kwargs):
        kwargs.setdefault("initial", {"clauses": [clause.pk for clause in chosen]})
        super().__init__(*args, **kwargs)
        chosen_ids = [clause.pk for clause in chosen]
        self.fields["clauses"].queryset = Clause.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen_ids)
        )


class VersionUploadForm(forms.Form):
    """A draft written elsewhere (DOCX or PDF), kept as the next version."""

    file = forms.FileField(
        label=_("Draft (DOCX or PDF)"),
        validators=[validate_draft_file],
        widget=DRAFT_INPUT,
    )
    note = forms.CharField(
        label=_("Note on this version"), max_length=500, required=False
    )


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        position = f" · {obj.position}" if getattr(obj, "position", "") else ""
        return f"{obj}{position} ({obj.role_label})"


def _reviewer_field(label, help_text=""):
    return ReviewerChoiceField(
        label=label,
        queryset=User.objects.none(),
        required=False,
        help_text=help_text,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )


class ReviewStartForm(forms.Form):
    """The head names the reviewers of the current version."""

    legal = _reviewer_field(ReviewerCapacity.LEGAL.label)
    unit_head = _reviewer_field(ReviewerCapacity.UNIT_HEAD.label)
    other = _reviewer_field(ReviewerCapacity.OTHER.label)
    leadership = _reviewer_field(ReviewerCapacity.LEADERSHIP.label)
    in_turn = forms.BooleanField(
        label=_("One after another: legal, the unit's head, others, then leadership"),
        required=False,
        initial=True,
    )
    note = forms.CharField(
        label=_("Note to the reviewers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    CAPACITIES = ("legal", "unit_head", "other", "leadership")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name", "username"
        )
        for name in self.CAPACITIES:
            self.fields[name].queryset = people

    def clean(self):
        cleaned = super().clean()
        seen, named = set(), 0
        for name in self.CAPACITIES:
            for user in cleaned.get(name) or ():
                named += 1
                if user.pk in seen:
                    self.add_error(
                        name,
                        _("%(user)s is named twice: name each reviewer once.")
                        % {"user": user},
                    )
                seen.add(user.pk)
        if not named and not self.errors:
            raise forms.ValidationError(_("Name at least one reviewer."))
        return cleaned

    def service_values(self):
        data = self.cleaned_data
        reviewers = [
            (user, ReviewerCapacity(name))
            for name in self.CAPACITIES
            for user in data[name]
        ]
        return {
            "reviewers": reviewers,
            "in_turn": data["in_turn"],
            "note": data["note"],
        }


class ReviewDecisionForm(forms.Form):
    """A reviewer's decision on their step."""

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (Decision.APPROVED, _("Approve")),
            (Decision.CHANGES_REQUESTED, _("Request changes")),
            (Decision.REJECTED, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when requesting changes or rejecting."),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != Decision.APPROVED and not cleaned.get("comment"):
            self.add_error(
                "comment",
                _("Write a comment: say what should change, or why it is rejected."),
            )
        return cleaned


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        email = obj.email or _("no email address")
        return f"{obj} — {email}"


class PartnerLinkForm(forms.Form):
    """Send the partner's contact a link to the current draft."""

    contact = ContactChoiceField(
        label=_("Partner's contact"), queryset=Contact.objects.none()
    )

    def __init__(self, *args, agreement, **kwargs):
        kwargs.setdefault("initial", {"contact": agreement.partner_contact_id})
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(
            partner_id=agreement.partner_id, is_active=True
        )


class MessageForm(forms.Form):
    """A message on the thread with the partner (comment or reply)."""

    text = forms.CharField(
        label=_("Message"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(
        label=_("Older version"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    new = forms.TypedChoiceField(
        label=_("Newer version"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(version.number, f"v{version.number}") for version in versions]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class SignForm(forms.Form):
    """The signature of the final version, with the signed scan."""

    signed_on = date_field(_("Signed on"), required=True)
    start_date = date_field(_("Start date"), required=True)
    end_date = date_field(_("End date"))
    open_ended = forms.BooleanField(label=_("Open-ended (no end date)"), required=False)
    our_signatory_name = forms.CharField(
        label=_("Our signatory"), max_length=200, required=False
    )
    our_signatory_position = forms.CharField(
        label=_("Our signatory's position"), max_length=200, required=False
    )
    partner_signatory_name = forms.CharField(
        label=_("Partner's signatory"), max_length=200, required=False
    )
    partner_signatory_position = forms.CharField(
        label=_("Partner's signatory's position"), max_length=200, required=False
    )
    partner_number = forms.CharField(
        label=_("Partner's number"), max_length=120, required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Unit the number is issued for"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Needed when the numbering pattern uses the unit's code."),
    )
    number = forms.CharField(
        label=_("Our number"),
        max_length=120,
        required=False,
        help_text=_(
            "Leave empty: the number is issued from the office's numbering "
            "pattern when the signature is saved."
        ),
    )
    signed_file = forms.FileField(
        label=_("Signed document (PDF)"), validators=[validate_pdf], widget=PDF_INPUT
    )
    partner_copy = forms.FileField(
        label=_("The partner's signed copy (PDF), if separate"),
        required=False,
        validators=[validate_pdf],
        widget=PDF_INPUT,
    )

    def __init__(self, *args, agreement, **kwargs):
        units = list(agreement.units.all())
        kwargs.setdefault(
            "initial",
            {
                "start_date": agreement.start_date,
                "end_date": agreement.end_date,
                "our_signatory_name": agreement.our_signatory_name,
                "our_signatory_position": agreement.our_signatory_position,
                "partner_signatory_name": agreement.partner_signatory_name,
                "partner_signatory_position": agreement.partner_signatory_position,
                "partner_number": agreement.partner_number,
                "number": agreement.number or "",
                "unit": units[0].pk if units else None,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            pk__in=[unit.pk for unit in units]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_ended"):
            if cleaned.get("end_date"):
                self.add_error(
                    "end_date", _("Give an end date or tick open-ended, not both.")
                )
            cleaned["end_date"] = None
        elif "end_date" in cleaned and cleaned["end_date"] is None:
            self.add_error(
                "end_date",
                _("Give the end date, or tick open-ended when there is none."),
            )
        return cleaned

    def service_values(self):
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "signed_on",
                "start_date",
                "end_date",
                "our_signatory_name",
                "our_signatory_position",
                "partner_signatory_name",
                "partner_signatory_position",
                "partner_number",
                "unit",
                "number",
                "signed_file",
                "partner_copy",
            )
        }


class AmendmentForm(forms.Form):
    """What an addendum changes; empty fields change nothing."""

    title = forms.CharField(
        label=_("Title of the addendum"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("What the addendum changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In words, as the addendum states it."),
    )
    new_start_date = date_field(_("New start date"))
    new_end_date = date_field(_("New end date"))
    make_open_ended = forms.BooleanField(
        label=_("The agreement becomes open-ended"), required=False
    )
    new_scope = forms.ChoiceField(
        label=_("New scope"),
        choices=[("", _("Unchanged")), *Scope.choices],
        required=False,
    )
    new_units = forms.ModelMultipleChoiceField(
        label=_("New units (replacing the current ones)"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    new_cooperation_types = forms.ModelMultipleChoiceField(
        label=_("New cooperation types (replacing the current ones)"),
        queryset=CooperationType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_our_signatory_name = forms.CharField(
        label=_("New signatory for us"), max_length=200, required=False
    )
    new_our_signatory_position = forms.CharField(
        label=_("Their position"), max_length=200, required=False
    )
    new_partner_signatory_name = forms.CharField(
        label=_("New signatory for the partner"), max_length=200, required=False
    )
    new_partner_signatory_position = forms.CharField(
        label=_("Their position"), max_length=200, required=False
    )
    new_partner_contact = forms.ModelChoiceField(
        label=_("New responsible person at the partner"),
        queryset=Contact.objects.none(),
        required=False,
    )

    CHANGES = (
        "description",
        "new_start_date",
        "new_end_date",
        "make_open_ended",
        "new_scope",
        "new_our_signatory_name",
        "new_our_signatory_position",
        "new_partner_signatory_name",
        "new_partner_signatory_position",
        "new_partner_contact",
    )

    def __init__(self, *args, amended, amendment=None, **kwargs):
        if amendment is not None:
            initial = {name: getattr(amendment, name) for name in self.CHANGES}
            initial.update(
                title=amendment.addendum.title,
                new_partner_contact=amendment.new_partner_contact_id,
                new_units=[unit.pk for unit in amendment.new_units.all()],
                new_cooperation_types=[
                    kind.pk for kind in amendment.new_cooperation_types.all()
                ],
            )
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["new_units"].queryset = Unit.objects.filter(is_active=True)
        self.fields["new_cooperation_types"].queryset = CooperationType.objects.filter(
            is_active=True
        )
        self.fields["new_partner_contact"].queryset = Contact.objects.filter(
            partner_id=amended.partner_id, is_active=True
        )
        if amendment is not None:
            self.fields["title"].disabled = True
            self.fields["title"].required = False

    def service_values(self):
        data = self.cleaned_data
        values = {name: data[name] for name in self.CHANGES}
        values["units"] = list(data["new_units"])
        values["cooperation_types"] = list(data["new_cooperation_types"])
        return values


class TerminateForm(forms.Form):
    terminated_on = date_field(_("Ends on"), required=True)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    letter = forms.FileField(
        label=_("Termination letter (PDF)"),
        validators=[validate_pdf],
        widget=PDF_INPUT,
    )


# --- The partner's page -----------------------------------------------------------


class PartnerVersionForm(forms.Form):
    file = forms.FileField(
        label=_("Your version (DOCX or PDF)"),
        validators=[validate_draft_file],
        widget=DRAFT_INPUT,
    )
    note = forms.CharField(label=_("What you changed"), max_length=500, required=False)


class PartnerApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(
        label=_("I have read this version and approve it on behalf of my organisation.")
    )
