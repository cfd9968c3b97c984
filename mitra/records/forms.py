"""Forms of the records register and the policy library.

They read and tidy what a person typed; the rules live in
`mitra.records.services`, whose refusals come back as field errors
(`add_service_errors`).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.agreements.forms import add_service_errors, date_field
from mitra.core.forms import UnitChoiceField
from mitra.core.models import Unit
from mitra.records.models import CoverageArea, PolicyKind, RecordType

__all__ = [
    "DisposalCancelForm",
    "HoldForm",
    "PolicyEditForm",
    "PolicyForm",
    "PolicyVersionForm",
    "RecordEditForm",
    "RecordRegisterForm",
    "RecordTypeForm",
    "add_service_errors",
]


class RecordTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RecordRegisterForm(forms.Form):
    """A file registered by hand, for a record Mitra did not issue."""

    record_type = RecordTypeChoiceField(
        label=_("Record type"), queryset=RecordType.objects.all()
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    issued_on = date_field(_("Issued on"), required=True)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, JPEG or PNG. Once registered, the "
            "record cannot be changed or deleted until its retention ends."
        ),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordEditForm(forms.Form):
    """Describe a record past its retention anew (refused while kept)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    storage_location = forms.CharField(label=_("Storage location"), max_length=300)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordTypeForm(forms.Form):
    storage_location = forms.CharField(label=_("Storage location"), max_length=300)
    retention_years = forms.IntegerField(
        label=_("Retention in years"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Empty: the installation's default."),
    )
    document_kinds = forms.CharField(
        label=_("Issued documents registered as this type"),
        required=False,
        max_length=600,
        help_text=_("Codes of printed forms, separated by commas."),
    )

    def clean_document_kinds(self):
        text = self.cleaned_data["document_kinds"]
        return [kind.strip() for kind in text.split(",") if kind.strip()]


class DisposalCancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the list cancelled?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _owner_field():
    return UnitChoiceField(
        label=_("Owner"),
        queryset=Unit.objects.filter(is_active=True).order_by("code"),
        required=False,
    )


class PolicyEditForm(forms.Form):
    """The description, dates and publication of one version.

    `fixed` names the fields that no longer change (an approved document's
    text, `services.policy_fixed_fields`): they show read-only, and the file
    is not offered.
    """

    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    version = forms.CharField(label=_("Version"), max_length=20)
    covers = forms.MultipleChoiceField(
        label=_("Covers"),
        choices=CoverageArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = _owner_field()
    approved_on = date_field(_("Approved on"))
    review_due = date_field(_("Review due"))
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public site when the document is published."),
    )
    is_published = forms.BooleanField(
        label=_("Publish on the public site"), required=False
    )
    file = forms.FileField(
        label=_("File (PDF or DOCX)"),
        required=False,
        help_text=_("Replaceable until the document is approved."),
    )

    def __init__(self, *args, fixed=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in fixed:
            if name == "file":
                self.fields.pop("file", None)
            elif name in self.fields:
                # A disabled field keeps its initial value whatever is posted.
                self.fields[name].disabled = True


class PolicyForm(PolicyEditForm):
    """A new document of the library (its first version)."""

    version = forms.CharField(label=_("Version"), max_length=20, initial="1")
    file = forms.FileField(label=_("File (PDF or DOCX)"))

    field_order = ["title", "kind", "version", "file", "covers", "owner"]


class PolicyVersionForm(forms.Form):
    """A new version superseding the current one (the only way an approved
    document's title changes)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Empty: the current version's title."),
    )
    version = forms.CharField(label=_("New version"), max_length=20)
    file = forms.FileField(label=_("File (PDF or DOCX)"))
    approved_on = date_field(_("Approved on"))
    review_due = date_field(_("Review due"))

    def clean_title(self):
        return self.cleaned_data["title"].strip() or None
