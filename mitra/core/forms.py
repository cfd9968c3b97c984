"""Forms of account and unit administration, and of password reset.

They check what a person typed; the rules on accounts and units live in
`mitra.core.services`.
"""

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from mitra.core.models import Unit, UnitKind, User
from mitra.core.notifications import queue_email
from mitra.core.validators import max_upload_bytes


class UnitChoiceMixin:
    """Show units as "CODE — Name" in choice lists."""

    def label_from_instance(self, obj):
        label = f"{obj.code} — {obj.name}"
        return label if obj.is_active else f"{label} ({_('inactive')})"


class UnitMultipleChoiceField(UnitChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class UnitChoiceField(UnitChoiceMixin, forms.ModelChoiceField):
    pass


def _unit_choices(current=()):
    """Active units, plus those already chosen even if since deactivated."""
    current_ids = [unit.pk for unit in current]
    return Unit.objects.filter(Q(is_active=True) | Q(pk__in=current_ids)).order_by(
        "code"
    )


class UserForm(forms.ModelForm):
    """An account's details, role and units (edited by the head)."""

    units = UnitMultipleChoiceField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "The person acts for these units and every unit below them. "
            "Hold Ctrl (or ⌘) to choose several."
        ),
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "email",
            "role",
            "units",
            "position",
            "phone",
            "is_active",
        ]
        help_texts = {
            "is_active": _(
                "A deactivated account cannot log in; its records and history are kept."
            ),
        }

    def __init__(self, *args, editor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        current = self.instance.units.all() if self.instance.pk else ()
        self.fields["units"].queryset = _unit_choices(current)
        if editor is not None and editor.pk == self.instance.pk:
            # Nobody demotes or locks out themselves by mistake.
            for name in ("role", "is_active"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Another administrator changes this for you."
                    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        taken = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("Another account already uses this email address.")
            )
        return email

    def changes(self):
        """Return the cleaned values as keyword arguments of `user_update`."""
        data = dict(self.cleaned_data)
        data.pop("units", None)
        return data


class UserCreateForm(UserForm):
    """A new account; by default the person is invited by email."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("Leave empty to use the email address as the username."),
    )
    send_invitation = forms.BooleanField(
        label=_("Email an invitation to set a password"),
        required=False,
        initial=True,
        help_text=_(
            "Without an invitation the account cannot log in until one is sent."
        ),
    )

    class Meta(UserForm.Meta):
        fields = [
            "first_name",
            "last_name",
            "email",
            "username",
            "role",
            "units",
            "position",
            "phone",
        ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username:
            User.username_validator(username)
            if User.objects.filter(username__iexact=username).exists():
                raise forms.ValidationError(
                    _("Another account already uses this username.")
                )
        return username

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and not cleaned.get("username"):
            if len(email) > 150:
                self.add_error(
                    "username", _("Choose a username (150 characters at most).")
                )
            elif User.objects.filter(username__iexact=email).exists():
                self.add_error(
                    "username", _("Another account already uses this username.")
                )
        return cleaned

    def account(self):
        """Return the cleaned values as keyword arguments of `user_create`."""
        data = dict(self.cleaned_data)
        data.pop("send_invitation", None)
        data["units"] = list(data["units"])
        return data


class UnitForm(forms.ModelForm):
    """A unit of the tree; aliases one per line."""

    parent = UnitChoiceField(
        label=_("Parent unit"), queryset=Unit.objects.none(), required=False
    )
    aliases = forms.CharField(
        label=_("Aliases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Other names and abbreviations, one per line; imports recognise them."
        ),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "level", "aliases"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Unit.objects.exclude(kind=UnitKind.PRODI).order_by("code")
        if self.instance.pk:
            parents = parents.exclude(pk__in=self.instance.descendant_ids())
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("(none: top of the tree)")
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = "\n".join(self.instance.aliases)

    def clean_aliases(self):
        lines = self.cleaned_data["aliases"].splitlines()
        aliases = []
        for line in lines:
            alias = " ".join(line.split())
            if alias and alias not in aliases:
                aliases.append(alias)
        return aliases

    def changes(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UnitImportForm(forms.Form):
    """A CSV of units shaped like the sample: code,name,kind,parent,level,aliases."""

    file = forms.FileField(
        label=_("Units file (CSV)"),
        help_text=_(
            "Columns: code, name, kind (institution, jurusan, prodi or unit), "
            "parent (a code), level, aliases (separated by |)."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(_("The file is too large."))
        data = upload.read()
        if not data.strip():
            raise forms.ValidationError(_("The file is empty."))
        if b"\x00" in data:
            raise forms.ValidationError(
                _("This is not a CSV text file. Save the sheet as CSV and try again.")
            )
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(
            _("The file's characters could not be read. Save it as CSV UTF-8.")
        )


class MitraPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email sent through Mitra's outbox."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = render_to_string(subject_template_name, context)
        body = render_to_string(email_template_name, context)
        html_body = (
            render_to_string(html_email_template_name, context)
            if html_email_template_name
            else ""
        )
        queue_email(
            to=to_email,
            subject=" ".join(subject.split()),
            body=body,
            html_body=html_body,
        )
