"""A year of the demo institution's work, done through the services.

`load_demo` calls `load_year(day)` after the register is imported, so that
every page of the procedure has something to show: this year's needs
mapping, targets, a meeting's minutes and the annual programme; last year's
monitoring round, satisfaction survey and evaluation report, all closed and
issued (and so in the records register); this year's open monitoring round
and survey round, partly answered; the policy library and the multi-year
plan; outputs and certificates for the indicators.

Each step runs with the clock set to the day it would have happened, so
issue dates, due dates and reminders fall as they would have.
"""

import datetime
import itertools
import re

from django.core.files.base import ContentFile
from weasyprint import HTML

from mitra.agreements.models import Agreement
from mitra.agreements.services import activity_create
from mitra.core.clock import frozen
from mitra.core.models import OutboxEmail, Unit, User
from mitra.monitoring import services as monitoring
from mitra.monitoring.models import ImplementationStatus, PeriodKind
from mitra.planning import services as planning
from mitra.planning.models import CooperationType, MeetingKind, NeedLevel
from mitra.records import services as records
from mitra.records.models import CoverageArea, PolicyKind, RecordType
from mitra.reports import evaluation
from mitra.reports.services import output_add
from mitra.surveys import services as surveys
from mitra.surveys.models import Instrument, InvitationLink, ItemKind, Round

D = datetime.date
SURVEY_LINK = re.compile(r"\S+/surveys/s/[\w-]+/")


def load_year(day):
    """Fill the demo with a year of work as of `day` (today).

    Return the link of an invitation of this year's survey not yet
    answered, for trying the survey as a partner would.
    """
    users = {user.username: user for user in User.objects.all()}
    units = {unit.code: unit for unit in Unit.objects.all()}
    this, last = day.year, day.year - 1
    _indicator_data(day, users, units)
    _last_years_monitoring(last, users)
    _last_years_survey(last, users)
    _last_years_report(last, users)
    _policies(D(last, 3, 1), users, units["PNM.HK"])
    _old_minutes(D(day.year - 7, 3, 12), users)
    _planning(this, users, units, day)
    _this_years_monitoring(day, users)
    return _this_years_survey(day, users)


# --- Indicators: outputs and certificates ------------------------------------


def _indicator_data(day, users, units):
    office = users["humas"]
    types = {kind.code: kind for kind in CooperationType.objects.all()}
    certification = Agreement.objects.get(number="114/PNM/HK/2024")
    activity_create(
        agreement=certification,
        by=office,
        title="Uji kompetensi skema Junior Web Developer",
        form=types.get("sertifikasi"),
        unit=units["PNM.TI.D3SI"],
        start_date=max(certification.start_date, day - datetime.timedelta(days=200)),
        end_date=day - datetime.timedelta(days=190),
        benefit="Lulusan memegang sertifikat kompetensi BNSP.",
        output="24 sertifikat kompetensi.",
        participations=[
            {
                "unit": units["PNM.TI.D3SI"],
                "students": 26,
                "certificates": 24,
                "lecturers": 1,
            }
        ],
    )
    internship = activity_create(
        agreement=Agreement.objects.get(number="110/PNM/HK/2023"),
        by=office,
        title="Magang industri galangan kapal satu semester",
        form=types.get("magang"),
        unit=units["PNM.TK.D3KP"],
        start_date=day - datetime.timedelta(days=330),
        end_date=day - datetime.timedelta(days=150),
        benefit="Mahasiswa memperoleh 20 SKS dari magang yang diakui.",
        output="Laporan magang dan prototipe alat bantu pengelasan.",
        participations=[
            {
                "unit": units["PNM.TK.D3KP"],
                "students": 18,
                "students_credited": 18,
                "lecturers": 2,
            }
        ],
    )
    output_add(
        activity=internship,
        by=office,
        kind="prototype",
        description="Prototipe alat bantu pengelasan pelat lambung",
    )


# --- Monitoring --------------------------------------------------------------

#: What units report, in turn, for the entries of a round.
REPORTS = [
    (
        ImplementationStatus.ONGOING,
        "Kegiatan berjalan sesuai rencana kerja.",
        "",
        "Lanjutkan sesuai jadwal.",
    ),
    (
        ImplementationStatus.DONE,
        "Mahasiswa dan dosen terlibat; luaran tercapai.",
        "",
        "Usulkan perpanjangan kerja sama.",
    ),
    (
        ImplementationStatus.STALLED,
        "Belum ada manfaat yang dirasakan.",
        "Kontak mitra berganti dan belum menanggapi.",
        "Humas menjadwalkan pertemuan dengan mitra.",
    ),
    (
        ImplementationStatus.NOT_STARTED,
        "",
        "Menunggu jadwal dari mitra.",
        "Tindak lanjuti pada semester berikutnya.",
    ),
]


def _fill(entries, by, *, leave_open=0):
    """Report on `entries` in turn from REPORTS; leave the last few open."""
    entries = list(entries)
    for entry, report in zip(
        entries[: len(entries) - leave_open], itertools.cycle(REPORTS), strict=False
    ):
        status, benefits, obstacles, follow_up = report
        monitoring.entry_update(
            entry=entry,
            by=by,
            implementation_status=status,
            activities=list(entry.agreement.activities.all()),
            benefits=benefits,
            obstacles=obstacles,
            follow_up=follow_up,
            submit=True,
        )


def _last_years_monitoring(year, users):
    office = users["humas"]
    with frozen(D(year, 11, 24)):
        monitoring_round = monitoring.round_open(
            by=office,
            period_kind=PeriodKind.YEAR,
            year=year,
            due_date=D(year, 12, 8),
        )
    with frozen(D(year, 12, 5)):
        _fill(monitoring_round.entries.order_by("pk"), office, leave_open=1)
    with frozen(D(year, 12, 10)):
        monitoring.round_close(monitoring_round=monitoring_round, by=office)


def _this_years_monitoring(day, users):
    office = users["humas"]
    period = (
        PeriodKind.EVEN_SEMESTER if 2 <= day.month <= 7 else PeriodKind.ODD_SEMESTER
    )
    # A semester belongs to the academic year that starts in August.
    year = day.year if day.month >= 8 else day.year - 1
    monitoring_round = monitoring.round_open(
        by=office,
        period_kind=period,
        year=year,
        reference_date=day,
        due_date=day + datetime.timedelta(days=21),
    )
    # The units of information technology have reported; the others not yet.
    reported = monitoring_round.entries.filter(
        agreement__units__code__startswith="PNM.TI"
    ).order_by("pk")
    _fill(reported, users["kajur.ti"])


# --- The satisfaction survey -----------------------------------------------

#: Answers on the scale of the respondents, in turn: (usual value, lower items).
RESPONDENTS = [(4, set()), (3, {"U4", "U9"}), (3, set()), (4, {"U3"}), (2, {"U6"})]


def _survey_round(*, title, year, opens_on, closes_on, by):
    round = surveys.round_save(
        round=Round(
            title=title,
            year=year,
            instrument=Instrument.objects.order_by("pk").first(),
            opens_on=opens_on,
            closes_on=closes_on,
        ),
        by=by,
    )
    with frozen(opens_on):
        contacts = surveys.default_contacts(on=opens_on)
        surveys.invitations_add(round=round, contacts=contacts, by=by)
        surveys.round_open(round=round, by=by)
    return round


def _answer(round, count):
    """Answer the first `count` invitations of `round` as RESPONDENTS do."""
    items = list(round.instrument.items.all())
    invitations = round.invitations.order_by("pk")[:count]
    for invitation, (usual, lower) in zip(
        invitations, itertools.cycle(RESPONDENTS), strict=False
    ):
        answers = {item: _value(item, usual, lower) for item in items}
        link = InvitationLink.objects.filter(invitation=invitation).latest("pk")
        surveys.response_submit(
            link=link, answers=answers, language=invitation.language
        )


def _value(item, usual, lower):
    if item.kind != ItemKind.SCALE:
        return "Praktik kerja bersama bisa diperluas ke prodi lain."
    return usual - 1 if item.code in lower else usual


def _last_years_survey(year, users):
    office = users["humas"]
    round = _survey_round(
        title=f"Survei Kepuasan Mitra {year}",
        year=year,
        opens_on=D(year, 11, 3),
        closes_on=D(year, 11, 28),
        by=office,
    )
    with frozen(D(year, 11, 20)):
        _answer(round, count=round.invitations.count() - 2)
    with frozen(D(year, 12, 1)):
        surveys.round_close(round=round, by=office)


def _this_years_survey(day, users):
    round = _survey_round(
        title=f"Survei Kepuasan Mitra {day.year}",
        year=day.year,
        opens_on=day - datetime.timedelta(days=7),
        closes_on=day + datetime.timedelta(days=21),
        by=users["humas"],
    )
    _answer(round, count=3)
    waiting = round.invitations.filter(responded=False).order_by("pk").first()
    email = OutboxEmail.objects.filter(recipient=waiting.email).latest("pk")
    return SURVEY_LINK.search(email.body).group(0)


# --- The annual evaluation report ------------------------------------------


def _last_years_report(year, users):
    head = users["kapokja"]
    with frozen(D(year, 12, 15)):
        evaluation.evaluation_save(
            year=year,
            by=users["humas"],
            analysis=(
                "Jumlah kerja sama yang berlaku bertambah, terutama dengan "
                "industri perkapalan dan teknologi informasi. Jurusan Bisnis "
                "dan Pariwisata belum menambah mitra baru."
            ),
            problems=(
                "Beberapa unit terlambat mengisi monitoring. Satu kerja sama "
                "tidak berjalan karena kontak mitra berganti."
            ),
            follow_up_plan=(
                "Humas menjadwalkan pertemuan dengan mitra yang tidak aktif.\n"
                "Jurusan Bisnis dan Pariwisata mengusulkan dua mitra baru."
            ),
            place="Kota Bahari",
            signatory_name=head.get_full_name(),
            signatory_position="Kepala Unit Hubungan Masyarakat dan Kerja Sama",
        )
        evaluation.evaluation_issue(year=year, by=head)


# --- Planning of this year -------------------------------------------------


def _by(usual, day):
    """The usual day of a step early in the year, or today if it is not
    that late yet (the demo loaded in January still plans its year)."""
    return min(usual, day)


def _planning(year, users, units, day):
    office, head = users["humas"], users["kapokja"]
    types = {kind.code: kind for kind in CooperationType.objects.all()}
    with frozen(_by(D(year, 1, 12), day)):
        mapping = planning.mapping_open(
            year=year,
            by=office,
            instructions="Isi kebutuhan kerja sama unit untuk tahun ini.",
        )
        needs = {
            "PNM.TI": [("magang", NeedLevel.HIGH), ("praktisi-mengajar", "medium")],
            "PNM.TK": [("magang", NeedLevel.HIGH), ("penelitian-bersama", "low")],
            "PNM.BP": [("sertifikasi", NeedLevel.MEDIUM), ("kurikulum", "high")],
        }
        for code, rows in needs.items():
            planning.need_cells_save(
                mapping=mapping,
                unit=units[code],
                by=office,
                rows=[
                    {"cooperation_type": types[kind], "level": level}
                    for kind, level in rows
                ],
            )
        planning.mapping_issue(mapping=mapping, by=office)
    with frozen(_by(D(year, 1, 20), day)):
        for code, count in (("PNM.TI", 2), ("PNM.TK", 2), ("PNM.BP", 1)):
            planning.target_save(
                year=year,
                by=office,
                unit=units[code],
                measure="agreements",
                count=count,
            )
        planning.target_save(year=year, by=office, measure="activities", count=6)
        planning.targets_approve(year=year, by=head)
    with frozen(_by(D(year, 2, 10), day)):
        meeting = planning.meeting_create(
            by=office,
            kind=MeetingKind.INTERNAL,
            title="Rapat koordinasi kerja sama awal tahun",
            date=_by(D(year, 2, 10), day),
            place="Ruang rapat Humas",
            chair=head,
            agenda="Kebutuhan kerja sama unit; target tahun ini; usulan mitra baru.",
            discussion="Unit menyampaikan kebutuhan magang dan praktisi mengajar.",
            decisions="Humas menghubungi dua calon mitra industri perkapalan.",
            attendees=[
                {"user": users[name]} for name in ("kapokja", "humas", "kajur.ti")
            ]
            + [{"user": users["kajur.tk"], "present": False}],
            action_items=[
                {
                    "description": "Kirim daftar calon mitra perkapalan",
                    "owner": users["kajur.tk"],
                    "due_date": D(year, 3, 15),
                },
                {
                    "description": "Siapkan draf PKS praktisi mengajar",
                    "owner": users["humas"],
                    "due_date": day + datetime.timedelta(days=10),
                },
            ],
        )
        planning.minutes_approve(meeting=meeting, by=head)
    with frozen(_by(D(year, 2, 20), day)):
        programme = planning.programme_open(year=year, by=office)
        for title, code, start, end in (
            ("Magang industri perkapalan", "PNM.TK", 3, 8),
            ("Kelas praktisi pengembangan aplikasi", "PNM.TI", 2, 6),
            ("Sertifikasi pemandu wisata", "PNM.BP", 9, 11),
        ):
            planning.programme_item_save(
                programme=programme,
                by=office,
                title=title,
                unit=units[code],
                start_month=start,
                end_month=end,
            )
        planning.programme_approve(programme=programme, by=head)
        planning.plan_upload(
            by=office,
            file=_pdf(
                "rencana-strategis-kerja-sama.pdf",
                "Rencana Strategis Kerja Sama",
                f"Rencana kerja sama {year - 1}-{year + 3}.",
            ),
            title=f"Rencana Strategis Kerja Sama {year - 1}-{year + 3}",
            start_year=year - 1,
            end_year=year + 3,
            approved_on=_by(D(year, 2, 20), day),
        )


# --- The policy library -----------------------------------------------------

POLICIES = [
    (
        "Kebijakan Kerja Sama",
        PolicyKind.POLICY,
        [CoverageArea.INITIATION, CoverageArea.EXECUTION],
    ),
    (
        "Prosedur Inisiasi Kerja Sama",
        PolicyKind.PROCEDURE,
        [CoverageArea.INITIATION],
    ),
    (
        "Prosedur Monitoring dan Evaluasi Kerja Sama",
        PolicyKind.PROCEDURE,
        [CoverageArea.MONITORING, CoverageArea.EVALUATION],
    ),
]


def _policies(approved_on, users, office_unit):
    head = users["kapokja"]
    with frozen(approved_on):
        for title, kind, covers in POLICIES:
            records.policy_create(
                by=head,
                title=title,
                kind=kind,
                file=_pdf(f"{title.lower().replace(' ', '-')}.pdf", title, title),
                covers=covers,
                owner=office_unit,
                approved_on=approved_on,
                review_due=approved_on.replace(year=approved_on.year + 2),
                is_published=True,
            )


def _old_minutes(held_on, users):
    """Minutes kept on paper before Mitra, scanned and registered by hand:
    their retention has ended, so a disposal list can be tried."""
    title = f"Notulen rapat kerja sama {held_on.year}"
    records.record_register(
        record_type=RecordType.objects.get(code="minutes"),
        title=title,
        issued_on=held_on,
        file=_pdf("notulen-rapat-kerja-sama.pdf", title, "Hasil pindaian arsip."),
        by=users["humas"],
        note="Arsip kertas, dipindai.",
    )


def _pdf(name, title, text):
    html = f"<h1>{title}</h1><p>{text}</p><p>Politeknik Nusa Maritim</p>"
    return ContentFile(HTML(string=html).write_pdf(), name=name)
