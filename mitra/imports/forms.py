from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mitra.imports.parsing import CANONICAL_FIELDS, REQUIRED_FIELDS
from mitra.imports.services import ImportError_, read_register


class RegisterUploadForm(forms.Form):
    """The register file: checked for size and readability before it is kept."""

    file = forms.FileField(
        label=_("Register file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, up to %(limit)s MB.")
        % {"limit": settings.MITRA_MAX_UPLOAD_MB},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MITRA_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is too large: the limit is %(limit)s MB.")
                % {"limit": settings.MITRA_MAX_UPLOAD_MB}
            )
        data = upload.read()
        try:
            self.sheet = read_register(data, upload.name)
        except ImportError_ as error:
            raise forms.ValidationError(error.message) from error
        upload.seek(0)
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per column of the register: which field it holds."""

    def __init__(self, *args, headers, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— ignore this column —")), *CANONICAL_FIELDS]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)s)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(index, mapping.get(str(index), "")),
            )

    def clean(self):
        cleaned = super().clean()
        used = {}
        for name, value in list(cleaned.items()):
            if not value:
                continue
            if value in used:
                label = dict(CANONICAL_FIELDS)[value]
                self.add_error(
                    name,
                    _("%(field)s is already chosen for column %(column)s.")
                    % {"field": label, "column": self.fields[used[value]].label},
                )
            used[value] = name
        labels = dict(CANONICAL_FIELDS)
        missing = [str(labels[key]) for key in REQUIRED_FIELDS if key not in used]
        if missing:
            raise forms.ValidationError(
                _("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)}
            )
        return cleaned

    @property
    def mapping(self):
        return {
            int(name.removeprefix("column_")): value
            for name, value in self.cleaned_data.items()
            if value
        }
