"""Forms of the partner pages; the rules they enforce live in the services."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.partners.models import Contact, Partner, PartnerKind
from mitra.reports.ministry import category_label


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


class PartnerCategoriesForm(forms.Form):
    """A partner's category under each of the ministry's rule sets.

    One choice per rule set: as the partner's kind gives (no row of its
    own), one of the rule set's categories, or none of them. The rule sets
    and the partner's current choices come from the reports app.
    """

    FROM_KIND = "kind"
    NONE = "none"

    def __init__(self, *args, rule_sets, current, defaults, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_sets = {f"rule_set_{rule_set.pk}": rule_set for rule_set in rule_sets}
        for name, rule_set in self.rule_sets.items():
            default = defaults.get(rule_set.pk)
            kind_label = _("As its kind gives: %(category)s") % {
                "category": default or _("none")
            }
            self.fields[name] = forms.ChoiceField(
                label=rule_set.name,
                required=False,
                choices=[
                    (self.FROM_KIND, kind_label),
                    *[
                        (str(category.pk), category_label(category))
                        if rule_set.kind == "weighted"
                        else (str(category.pk), category.name)
                        for category in rule_set.categories.all()
                    ],
                    (self.NONE, _("None of these categories")),
                ],
                initial=current.get(rule_set.pk, self.FROM_KIND),
                help_text=rule_set.regulation,
            )

    def choices(self):
        """Return {rule set: PartnerCategory, None or FROM_KIND}."""
        chosen = {}
        for name, rule_set in self.rule_sets.items():
            value = self.cleaned_data.get(name) or self.FROM_KIND
            if value == self.NONE:
                chosen[rule_set] = None
            elif value == self.FROM_KIND:
                chosen[rule_set] = self.FROM_KIND
            else:
                categories = {str(each.pk): each for each in rule_set.categories.all()}
                chosen[rule_set] = categories[value]
        return chosen
