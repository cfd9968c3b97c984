from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "mitra.records"
    label = "records"
    verbose_name = _("Records register")

    def ready(self):
        # Every issued document of a record type's kind becomes a record,
        # inside the transaction that issues it.
        from mitra.documents.signals import document_issued
        from mitra.records.services import on_document_issued

        document_issued.connect(
            on_document_issued, dispatch_uid="records.register_issued_document"
        )
