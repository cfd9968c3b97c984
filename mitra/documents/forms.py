from django import forms
from django.utils.translation import gettext_lazy as _


class FormNumberForm(forms.Form):
    form_number = forms.CharField(
        label=_("Official form number"),
        max_length=60,
        required=False,
        help_text=_("Printed on the form. Leave empty to use Mitra's default."),
    )


class FormTemplateUploadForm(forms.Form):
    """The office's DOCX template for one form (checked by the service)."""

    file = forms.FileField(
        label=_("Template (DOCX)"),
        help_text=_(
            "A Word document with tags such as {{ number }}; only the variables "
            "listed on this page may be used."
        ),
        widget=forms.FileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    activate = forms.BooleanField(
        label=_("Use this template from now on"), required=False, initial=True
    )


class LetterheadForm(forms.Form):
    name = forms.CharField(
        label=_("Institution name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the name set for the installation."),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    logo = forms.FileField(
        label=_("Logo (PNG or JPEG)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
