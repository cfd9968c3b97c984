"""`manage.py import_units FILE`: load the unit tree from a CSV."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from mitra.core.services import units_import


class Command(BaseCommand):
    help = "Create or update units from a CSV (code,name,kind,parent,level,aliases)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        try:
            created, updated = units_import(text=text)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(
            _("Units: %(created)s created, %(updated)s updated.")
            % {"created": created, "updated": updated}
        )
