from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "mitra.proposals"
    label = "proposals"
    verbose_name = _("Proposals")

    def ready(self):
        from mitra.core.numbering import register_kind

        register_kind("proposal", _("Proposal"))
