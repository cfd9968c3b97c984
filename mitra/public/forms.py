"""The public partner list's filters.

Choices are built from the partners shown, so a filter can only narrow
what is already public; a value not among them is ignored.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from mitra.core.fields import Scope


class PublicPartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), required=False)

    def __init__(self, *args, kinds=(), countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kinds]
        self.fields["country"].choices = [
            ("", _("All countries")),
            *countries,
        ]
        self.fields["scope"].choices = [("", _("All scopes")), *Scope.choices]

    def filters(self):
        """Return the valid, non-empty filters; others are ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value}
