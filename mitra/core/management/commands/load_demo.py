"""`manage.py load_demo [--if-empty]`: a fictional institution to try Mitra on.

The demo has its own institution (Politeknik Nusa Maritim), units, partners
and a register that is imported through the same service as a real one,
with dates set around today so that some agreements are expiring. One user
is created per role; their logins are printed.
"""

import csv
import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from mitra.agreements.models import Activity, Agreement, Participation, Status
from mitra.core.clock import today
from mitra.core.demo_year import load_year
from mitra.core.models import Role, Unit, User
from mitra.core.services import units_import
from mitra.documents.services import letterhead_update
from mitra.imports.services import import_register
from mitra.partners.models import Contact, Partner
from mitra.planning.models import CooperationType

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
PASSWORD = "mitra-demo-2026"  # noqa: S105 - printed for the demo on purpose

USERS = [
    # username, name, role, unit codes, superuser
    ("admin", "Admin Sistem", Role.OFFICE, [], True),
    ("kapokja", "Dewi Lestari", Role.HEAD, ["PNM.HK"], False),
    ("humas", "Rudi Hartono", Role.OFFICE, ["PNM.HK"], False),
    ("direktur", "Ir. Bambang Sutrisno", Role.LEADER, [], False),
    ("spmi", "Sri Wahyuni", Role.AUDITOR, [], False),
    ("kajur.ti", "Andi Pratama", Role.UNIT, ["PNM.TI"], False),
    ("prodi.rpl", "Maya Sari", Role.UNIT, ["PNM.TI.D4RPL"], False),
    ("kajur.tk", "Hendra Gunawan", Role.UNIT, ["PNM.TK"], False),
]

# partner, kind, country, scope, type, number, parent, title, fields, unit,
# start (days from today), length in days (None: open-ended)
REGISTER = [
    (
        "PT Samudra Shipyard Indonesia",
        "Industri",
        "Indonesia",
        "Nasional",
        "MoU",
        "010/PNM/HK/2022",
        "",
        "Kerja sama pendidikan vokasi perkapalan",
        "Pendidikan, Penelitian",
        "Humas",
        -1400,
        1825,
    ),
    (
        "PT. Samudra Shipyard Indonesia",
        "Industri",
        "Indonesia",
        "Nasional",
        "PKS",
        "110/PNM/HK/2023",
        "010/PNM/HK/2022",
        "Magang mahasiswa perkapalan",
        "Pendidikan",
        "TK",
        -900,
        980,
    ),
    (
        "Samudra Shipyard Indonesia, PT",
        "Industri",
        "Indonesia",
        "Nasional",
        "IA",
        "210/PNM/HK/2024",
        "110/PNM/HK/2023",
        "Magang semester ganjil 2024",
        "Pendidikan",
        "D3 Perkapalan",
        -500,
        180,
    ),
    (
        "PT Kepri Data Nusantara",
        "Industri",
        "Indonesia",
        "Lokal",
        "MoU",
        "011/PNM/HK/2023",
        "",
        "Pengembangan SDM teknologi informasi",
        "Pendidikan, Pengabdian kepada Masyarakat",
        "TI",
        -700,
        1825,
    ),
    (
        "PT KEPRI DATA NUSANTARA",
        "Industri",
        "Indonesia",
        "Lokal",
        "MoA",
        "111/PNM/HK/2024",
        "011/PNM/HK/2023",
        "Praktisi mengajar dan kurikulum bersama",
        "Pendidikan",
        "RPL",
        -400,
        730,
    ),
    (
        "PT Kepri Data Nusantara",
        "Industri",
        "Indonesia",
        "lokal",
        "IA",
        "211/PNM/HK/2025",
        "111/PNM/HK/2024",
        "Praktisi mengajar semester genap",
        "Pendidikan",
        "RPL",
        -200,
        150,
    ),
    (
        "Universiti Maritim Selatan",
        "Perguruan Tinggi",
        "Malaysia",
        "Internasional",
        "MoU",
        "012/PNM/HK/2021",
        "",
        "Academic cooperation in maritime engineering",
        "Pendidikan, Penelitian",
        "Humas",
        -1700,
        1800,
    ),
    (
        "Universiti Maritim Selatan (UMS)",
        "Perguruan Tinggi",
        "Malaysia",
        "Intl",
        "MoA",
        "112/PNM/HK/2023",
        "012/PNM/HK/2021",
        "Student exchange and credit transfer",
        "Pendidikan",
        "TK",
        -800,
        900,
    ),
    (
        "Dinas Pariwisata Kota Bahari",
        "Pemerintah",
        "Indonesia",
        "Wilayah",
        "MoU",
        "013/PNM/HK/2024",
        "",
        "Pengembangan desa wisata bahari",
        "Pengabdian kepada Masyarakat",
        "BP",
        -600,
        1095,
    ),
    (
        "Dispar Kota Bahari",
        "Pemerintah",
        "Indonesia",
        "Lokal",
        "PKS",
        "113/PNM/HK/2024",
        "013/PNM/HK/2024",
        "Pendampingan desa wisata",
        "Pengabdian kepada Masyarakat, Penelitian",
        "UPW",
        -500,
        560,
    ),
    (
        "LSP Teknologi Digital Nusantara",
        "Lembaga Sertifikasi",
        "Indonesia",
        "Nasional",
        "MoA",
        "114/PNM/HK/2024",
        "",
        "Sertifikasi kompetensi lulusan",
        "Pendidikan",
        "TI",
        -450,
        1095,
    ),
    (
        "Asosiasi Pemandu Wisata Kepulauan",
        "Organisasi Profesi",
        "Indonesia",
        "Wilayah",
        "MoU",
        "015/PNM/HK/2020",
        "",
        "Sertifikasi pemandu wisata",
        "Pendidikan",
        "BP",
        -2200,
        1825,
    ),
    (
        "Hamburg Institute of Ocean Technology",
        "Perguruan Tinggi",
        "Germany",
        "International",
        "MoU",
        "016/PNM/HK/2025",
        "",
        "Joint research on offshore structures",
        "Penelitian",
        "P3M",
        -300,
        1825,
    ),
    (
        "Hamburg Inst. of Ocean Technology",
        "Perguruan Tinggi",
        "Germany",
        "Internasional",
        "PKS",
        "216/PNM/HK/2025",
        "016/PNM/HK/2025",
        "Visiting lecturer programme",
        "Pendidikan",
        "Lepas Pantai",
        -150,
        365,
    ),
    (
        "Yayasan Pesisir Lestari",
        "LSM",
        "Indonesia",
        "Lokal",
        "MoU",
        "017/PNM/HK/2023",
        "",
        "Literasi digital masyarakat pesisir",
        "Pengabdian kepada Masyarakat",
        "SI",
        -650,
        None,
    ),
    (
        "Bank Maritim Nusantara",
        "Industri",
        "Indonesia",
        "Nasional",
        "MoU",
        "018/PNM/HK/2022",
        "",
        "Program beasiswa dan magang",
        "Pendidikan",
        "Humas",
        -1500,
        1520,
    ),
    (
        "BMN",
        "Industri",
        "Indonesia",
        "Nasional",
        "PKS",
        "118/PNM/HK/2023",
        "018/PNM/HK/2022",
        "Magang bidang keuangan",
        "Pendidikan",
        "BP",
        -700,
        760,
    ),
    (
        "Singapore Port Academy",
        "Lembaga Pelatihan",
        "Singapore",
        "Internasional",
        "MoU",
        "019/PNM/HK/2019",
        "",
        "Port operations training",
        "Pendidikan",
        "TK",
        -2400,
        1460,
    ),
]


class Command(BaseCommand):
    help = "Load a fictional institution with partners, agreements and users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has units or agreements",
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and (Unit.objects.exists() or Agreement.objects.exists()):
            self.stdout.write(_("Existing data found: demo data not loaded."))
            self._print_logins(existing=True)
            return
        # The demo's partners have addresses that cannot exist (.invalid):
        # their emails are kept in the outbox as sent, not printed or sent.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
            ),
            transaction.atomic(),
        ):
            units_import(text=(DEMO_DIR / "units.csv").read_text(encoding="utf-8"))
            letterhead_update(
                name="Politeknik Nusa Maritim",
                address="Jl. Pelabuhan Raya No. 1, Kota Bahari 29400",
                by=None,
            )
            self._users()
            plan = import_register(
                data=self._register_csv(today()).encode("utf-8-sig"),
                filename="daftar-kerjasama-demo.csv",
            )
            self._enrich(today())
            survey_link = load_year(today())
        summary = plan.summary()
        self.stdout.write(
            _("Demo loaded: %(agreements)s agreements, %(partners)s partners.")
            % {
                "agreements": summary["agreements_created"],
                "partners": summary["partners_created"],
            }
        )
        self._print_logins()
        self.stdout.write("")
        self.stdout.write(
            _("To answer the open survey as a partner would (no log-in): %(link)s")
            % {"link": survey_link}
        )

    def _users(self):
        for username, name, role, codes, superuser in USERS:
            first, _sep, last = name.rpartition(" ")
            user = User.objects.create_user(
                username=username,
                password=PASSWORD,
                email=f"{username}@demo.invalid",
                first_name=first or last,
                last_name=last if first else "",
                role=role,
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.units.set(Unit.objects.filter(code__in=codes))

    @staticmethod
    def _register_csv(day):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(["DAFTAR KERJA SAMA POLITEKNIK NUSA MARITIM"])
        writer.writerow([])
        writer.writerow(
            [
                "No",
                "Nama Mitra",
                "Jenis Mitra",
                "Negara",
                "Tingkat",
                "Jenis Dokumen",
                "Nomor Dokumen",
                "Nomor Dokumen Induk",
                "Tentang",
                "Bidang",
                "Unit Pengusul",
                "Tanggal Mulai",
                "Tanggal Berakhir",
                "Keterangan",
            ]
        )
        for number, row in enumerate(REGISTER, start=1):
            *head, start, length = row
            begin = day + datetime.timedelta(days=start)
            end = (
                (begin + datetime.timedelta(days=length)).strftime("%d/%m/%Y")
                if length
                else "Tidak terbatas"
            )
            writer.writerow([number, *head, begin.strftime("%d/%m/%Y"), end, ""])
        return buffer.getvalue()

    @staticmethod
    def _enrich(day):
        """Contacts, an activity with credits recognised, and a draft."""
        for partner in Partner.objects.all():
            Contact.objects.create(
                partner=partner,
                name=_demo_contact_name(partner.pk),
                position="Manajer Kemitraan",
                email=f"kemitraan{partner.pk}@mitra-demo.invalid",
                language="en" if partner.country != "Indonesia" else "id",
            )
        ia = Agreement.objects.get(number="211/PNM/HK/2025")
        activity = Activity.objects.create(
            agreement=ia,
            title="Kelas praktisi: pengembangan aplikasi bergerak",
            form=CooperationType.objects.filter(code="praktisi-mengajar").first(),
            unit=Unit.objects.get(code="PNM.TI.D4RPL"),
            start_date=day - datetime.timedelta(days=120),
            end_date=day - datetime.timedelta(days=30),
            benefit="Mahasiswa belajar praktik industri terkini.",
            output="Modul ajar dan 32 mahasiswa lulus kelas praktisi.",
        )
        Participation.objects.create(
            activity=activity,
            unit=Unit.objects.get(code="PNM.TI.D4RPL"),
            students=32,
            students_credited=32,
            lecturers=2,
        )
        draft = Agreement.objects.create(
            document_type="moa",
            title="Draf PKS riset sensor kualitas air laut",
            partner=Partner.objects.by_name(
                "Hamburg Institute of Ocean Technology"
            ).get(),
            status=Status.DRAFT,
            research=True,
            start_date=day + datetime.timedelta(days=60),
        )
        draft.units.set(Unit.objects.filter(code="PNM.TK"))

    def _print_logins(self, existing=False):
        self.stdout.write("")
        self.stdout.write(
            _("Open %(address)s and log in as:") % {"address": settings.MITRA_BASE_URL}
        )
        for username, name, role, _codes, superuser in USERS:
            label = _("administrator") if superuser else Role(role).label
            self.stdout.write(f"  {username:<12} {PASSWORD}   ({label}, {name})")
        if existing:
            self.stdout.write(
                _("(Passwords are the demo's unless someone changed them.)")
            )


def _demo_contact_name(seed):
    names = ["Siti Rahma", "Agus Salim", "Lina Marlina", "Kevin Tan", "Nur Aini"]
    return names[seed % len(names)]
