"""The tridharma — the three missions every cooperation serves.

Education (*pendidikan*), research (*penelitian*) and community service
(*pengabdian kepada masyarakat*, PkM). They are fixed by law, so they are
choices in code rather than editable data.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Tridharma(models.TextChoices):
    EDUCATION = "education", _("Education")
    RESEARCH = "research", _("Research")
    COMMUNITY_SERVICE = "community_service", _("Community service")


class Scope(models.TextChoices):
    """Geographic reach of a partner or agreement (LKPS ticks one)."""

    LOCAL = "local", _("Local/regional")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class TridharmaFieldsModel(models.Model):
    """Abstract base storing which tridharma fields a record serves."""

    education = models.BooleanField(_("education"), default=False)
    research = models.BooleanField(_("research"), default=False)
    community_service = models.BooleanField(_("community service"), default=False)

    class Meta:
        abstract = True

    @property
    def fields(self):
        """Return the set of tridharma values this record serves."""
        return {value for value in Tridharma.values if getattr(self, value)}

    @fields.setter
    def fields(self, values):
        values = set(values)
        for value in Tridharma.values:
            setattr(self, value, value in values)

    def fields_display(self):
        return ", ".join(
            str(label) for value, label in Tridharma.choices if getattr(self, value)
        )


def name_in_language(name, name_en):
    """A name kept in Indonesian with its English one, as the reader reads
    it: English when the active language is and there is one."""
    if name_en and (translation.get_language() or "").startswith("en"):
        return name_en
    return name
