"""The Indonesian catalogue is complete: every message of the code is translated."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"


def entries(path):
    """Return {msgid: (msgstr, fuzzy)} of a .po file (plural forms joined)."""
    result, current, fuzzy, key = {}, {}, False, None
    lines = [*path.read_text(encoding="utf-8").splitlines(), ""]
    for line in lines:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr", "msgctxt ")):
            key, _, rest = line.partition(" ")
            current[key] = current.get(key, "") + ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid"):
                msgid = current.get("msgctxt", "") + "\x04" + current["msgid"]
                strings = [v for k, v in current.items() if k.startswith("msgstr")]
                result[msgid] = (strings, fuzzy)
            current, fuzzy, key = {}, False, None
    return result


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = entries(CATALOGUE)

    untranslated = [m for m, (strings, _f) in catalogue.items() if not all(strings)]
    fuzzy = [m for m, (_s, is_fuzzy) in catalogue.items() if is_fuzzy]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_the_catalogue_holds_every_message_of_the_code(tmp_path):
    # Extract the messages from a copy of the code and compare.
    for name in ("mitra", "templates", "manage.py"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "id",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=tmp_path,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "mitra.settings.test", "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    extracted = entries(tmp_path / "locale" / "id" / "LC_MESSAGES" / "django.po")

    missing = sorted(set(extracted) - set(entries(CATALOGUE)))
    assert not missing, [m.split("\x04")[1] for m in missing[:30]]
