"""Timing goals of Mitra, measured on generated data (not part of the tests).

    make bench            # or: .venv/bin/python benchmarks/run.py [--rows N]

Builds a throw-away SQLite database, imports a generated register of N rows
through the real import service, then times the pages people open most.
Each goal is printed with PASS or SLOW; the script exits 1 when one is slow.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {
    # what, seconds at most (on the 2-core reference machine)
    "import 2000 rows": 30.0,
    "agreement list": 0.5,
    "agreement list export xlsx": 5.0,
    "partner list": 0.5,
    "dashboard": 0.8,
}


def register_csv(rows, seed=7):
    rng = random.Random(seed)
    partners = [f"PT Mitra Uji {n:03d}" for n in range(rows // 8 + 1)]
    lines = [
        "No;Nama Mitra;Jenis Mitra;Negara;Tingkat;Jenis Dokumen;Nomor Dokumen;"
        "Nomor Dokumen Induk;Tentang;Bidang;Unit Pengusul;Tanggal Mulai;"
        "Tanggal Berakhir"
    ]
    for n in range(1, rows + 1):
        kind = "MoU" if n % 5 == 1 else "PKS"
        parent = f"{(n - 1) // 5 * 5 + 1}/UJI/{2020 + n % 6}" if kind == "PKS" else ""
        start = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{2019 + n % 7}"
        end = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{2026 + n % 5}"
        lines.append(
            f"{n};{partners[n % len(partners)]};Industri;Indonesia;"
            f"{rng.choice(['Lokal', 'Nasional', 'Internasional'])};{kind};"
            f"{n}/UJI/{2020 + n % 6};{parent};Kerja sama {n};Pendidikan, Penelitian;"
            f"{rng.choice(['TI', 'TK', 'BP'])};{start};{end}"
        )
    return "\n".join(lines).encode("utf-8-sig")


def timed(label, function, results):
    start = time.perf_counter()
    function()
    elapsed = time.perf_counter() - start
    goal = GOALS[label]
    results.append(elapsed <= goal)
    verdict = "PASS" if elapsed <= goal else "SLOW"
    print(f"{verdict}  {label:<30} {elapsed:7.3f} s   (goal {goal} s)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="mitra-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.settings.dev")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from mitra.core.models import User
    from mitra.core.services import units_import
    from mitra.imports.services import import_register

    call_command("migrate", verbosity=0)
    units_import(text=(ROOT / "mitra/core/demo/units.csv").read_text())
    office = User.objects.create_user("bench", role="office")
    results = []
    data = register_csv(args.rows)
    timed(
        "import 2000 rows",
        lambda: import_register(data=data, filename="bench.csv"),
        results,
    )

    client = Client()
    client.force_login(office)
    for label, url in [
        ("agreement list", "/agreements/"),
        ("agreement list export xlsx", "/agreements/?export=xlsx"),
        ("partner list", "/partners/"),
        ("dashboard", "/reports/"),
    ]:
        client.get(url)  # warm caches once, then time
        timed(label, lambda url=url: client.get(url), results)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
