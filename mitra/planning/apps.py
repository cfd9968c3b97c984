from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "mitra.planning"
    label = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from mitra.core.numbering import register_kind
        from mitra.planning.services import MINUTES_NUMBER_KIND

        # Approved minutes are numbered when the office sets a pattern.
        register_kind(MINUTES_NUMBER_KIND, _("Minutes of meeting"))
