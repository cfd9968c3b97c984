"""The form the office writes the annual evaluation report's chapters in."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from mitra.reports.evaluation import NARRATIVE_FIELDS
from mitra.reports.evaluation_models import EvaluationReport

#: The longest text one chapter may hold (about fifteen pages).
MAX_CHAPTER_LENGTH = 30_000


class EvaluationReportForm(forms.ModelForm):
    """The narrative chapters and the signature block of a year's report."""

    class Meta:
        model = EvaluationReport
        fields = [
            *NARRATIVE_FIELDS,
            "place",
            "signatory_name",
            "signatory_position",
            "signatory_id_number",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "analysis": forms.Textarea(attrs={"rows": 12}),
            "problems": forms.Textarea(attrs={"rows": 10}),
            "follow_up_plan": forms.Textarea(attrs={"rows": 10}),
            "closing": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "signatory_position": _(
                "Empty: “Head of the cooperation office”. The head signs the report."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NARRATIVE_FIELDS:
            field = self.fields[name]
            field.max_length = MAX_CHAPTER_LENGTH
            field.widget.attrs["maxlength"] = MAX_CHAPTER_LENGTH
            field.validators.append(MaxLengthValidator(MAX_CHAPTER_LENGTH))
        for name in ("analysis", "problems", "follow_up_plan"):
            self.fields[name].help_text = " ".join(
                [
                    str(self.fields[name].help_text),
                    str(_("Leave an empty line between paragraphs.")),
                ]
            )
