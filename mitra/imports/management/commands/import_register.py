"""`manage.py import_register FILE [--dry-run] [--json]`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mitra.imports.services import ImportError_, import_register


class Command(BaseCommand):
    help = "Import an agreement register (XLSX or CSV) into Mitra."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the register, .xlsx or .csv")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen only"
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object and nothing else"
        )

    def handle(self, *args, file, dry_run, json: bool, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {"file": file, "error": error.strerror or error}
            ) from error
        try:
            plan = import_register(data=data, filename=path.name, dry_run=dry_run)
        except ImportError_ as error:
            raise CommandError(error.message) from error

        summary = plan.summary()
        if json:
            self.stdout.write(_json_dumps(summary))
            return
        self._report(plan, summary, dry_run)

    def _report(self, plan, summary, dry_run):
        write = self.stdout.write
        if dry_run:
            write(_("Dry run: nothing was saved."))
        write(_("Header found on row %(row)s.") % {"row": plan.header_row})
        write(
            _(
                "Agreements: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged; %(repeated)s repeated rows skipped."
            )
            % {
                "created": summary["agreements_created"],
                "updated": summary["agreements_updated"],
                "unchanged": summary["agreements_unchanged"],
                "repeated": summary["duplicates_skipped"],
            }
        )
        write(_("Partners created: %(count)s") % {"count": summary["partners_created"]})
        for item in summary["rejected"]:
            write(
                self.style.ERROR(
                    _("Row %(row)s rejected: %(reason)s")
                    % {"row": item["row"], "reason": item["reason"]}
                )
            )
        for pair in summary["possible_duplicate_partners"]:
            write(
                self.style.WARNING(
                    _("Likely the same partner: %(name)s ~ %(other)s")
                    % {"name": pair["name"], "other": pair["similar_to"]}
                )
            )


def _json_dumps(summary):
    return json.dumps(summary, ensure_ascii=False, default=str)
