"""Forms of the partner pages; the rules they enforce live in the services."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.partners.models import Contact, Partner, PartnerKind


class PartnerForm(forms.ModelForm):
    """A partner's data. Name clashes are refused by `partner_create/update`."""

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "scope",
            "country",
            "address",
            "website",
            "email",
            "phone",
            "notes",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "name": _("The legal name, e.g. PT Contoh Jaya Tbk or Universitas Contoh."),
            "website": _("A full address, e.g. https://contoh.co.id"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = PartnerKind.objects.all()
        self.fields["kind"].empty_label = _("(not set)")
        # Similar partners are shown while the name is typed (htmx).
        check = {
            "hx-get": reverse("partners:name_check"),
            "hx-trigger": "input changed delay:400ms, change",
            "hx-target": "#name-check",
            "autocomplete": "off",
        }
        if self.instance.pk:
            check["hx-vals"] = f'{{"partner": "{self.instance.pk}"}}'
        self.fields["name"].widget.attrs.update(check)


class AliasForm(forms.Form):
    """Another spelling of a partner; checked by `alias_add`."""

    name = forms.CharField(
        label=_("New alias"),
        max_length=255,
        widget=forms.TextInput(
            attrs={"placeholder": _("Another spelling or abbreviation")}
        ),
    )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "position", "email", "phone", "language", "is_active"]
