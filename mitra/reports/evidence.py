"""The evidence pack: one ZIP an auditor downloads in one click.

It holds a summary PDF (each indicator's statement, status, figures and the
list of its evidence files) and every evidence file, under
`<indicator code>/<year>/<file>` — for instance
`B.1.2.5.8/2025/001-PL-2024-signed.pdf` — the names the indicator's page
lists. A file missing from storage is left out and reported in the summary;
the pack is still built.
"""

import logging
import tempfile
import zipfile

from django.conf import settings
from django.template.loader import render_to_string

from mitra.core.clock import now

logger = logging.getLogger(__name__)

SUMMARY_NAME = "00-summary.pdf"
#: Packs are built in memory up to this size, then on disk.
SPOOL_BYTES = 32 * 1024 * 1024


def pack_paths(results):
    """The name in the pack of each evidence file of `results`, in order."""
    return [
        f"{result.folder}/{item.path}" for result in results for item in result.files
    ]


def _read(item):
    storage, name = item.file.storage, item.file.name
    with storage.open(name, "rb") as handle:
        return handle.read()


def summary_html(results, *, year, missing, user):
    return render_to_string(
        "reports/indicators/pack_summary.html",
        {
            "results": results,
            "year": year,
            "missing": missing,
            "user": user,
            "generated_at": now(),
            "institution_name": settings.MITRA_INSTITUTION_NAME,
        },
    )


def summary_pdf(html):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def build_pack(results, *, year, user):
    """Return (a file object holding the ZIP, the missing evidence files).

    `results` are IndicatorResults of one year. Each file is read whole
    before it is written, so a file that cannot be read leaves no partial
    entry behind.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    missing = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for result in results:
            for item in result.files:
                path = f"{result.folder}/{item.path}"
                try:
                    data = _read(item)
                except (OSError, ValueError) as error:
                    logger.warning("Evidence file %s is missing: %s", path, error)
                    missing.append((result, item, path))
                    continue
                archive.writestr(path, data)
        html = summary_html(results, year=year, missing=missing, user=user)
        try:
            archive.writestr(SUMMARY_NAME, summary_pdf(html))
        except Exception:
            # The files are what the auditor needs most: keep the summary
            # as HTML rather than lose the pack.
            logger.exception("The summary PDF of the evidence pack failed")
            archive.writestr("00-summary.html", html)
    spool.seek(0)
    logger.info(
        "Evidence pack for %s built: %s indicators, %s files missing",
        year,
        len(results),
        len(missing),
    )
    return spool, missing
