"""Acceptance of the shared machinery (issue 3).

Sections: notifications and the daily job; numbering; printed forms and
issued documents; user administration.
"""

import datetime
import re
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from mitra.agreements.models import Agreement, DocumentType, Status
from mitra.core import clock
from mitra.core.clock import frozen
from mitra.core.models import (
    Invitation,
    JobRun,
    Notification,
    NumberingPattern,
    OutboxEmail,
    Role,
    User,
)
from mitra.core.notifications import notify
from mitra.core.numbering import number_issue, number_preview
from mitra.documents.models import FormTemplate, IssuedDocument, PrintedForm
from mitra.documents.services import form_context, issue_document, letterhead_update
from mitra.imports.services import import_register
from tests.documents.helpers import (
    docx_text,
    docx_upload,
    make_docx,
    pdf_text,
    response_bytes,
    zip_bomb_docx,
)
from tests.email_backends import BOUNCE_DOMAIN, BOUNCING, DOWN, LOCMEM
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory

# --- Notifications and the daily job -------------------------------------

JAKARTA = ZoneInfo("Asia/Jakarta")
END = datetime.date(2027, 6, 30)
#: The day the agreement ending on END is 90 days from its end.
DAY_90 = END - datetime.timedelta(days=90)
#: Who hears of an agreement: its responsible person and the office.
EXPECTED = {"unit_a", "office", "head", "admin"}


def at_jakarta(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), JAKARTA)


def run_daily(*args):
    out = StringIO()
    call_command("run_daily", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def expiring(users):
    """An agreement 90 days from its end on DAY_90, and one far from it."""
    AgreementFactory(end_date=END + datetime.timedelta(days=400))
    return AgreementFactory(
        end_date=END, number="007/PL/KS/2024", responsible_user=users["unit_a"]
    )


def reminded(agreement):
    return sorted(
        Notification.objects.filter(subject_id=agreement.pk).values_list(
            "recipient__username", flat=True
        )
    )


def test_the_90_day_reminder_reaches_the_responsible_person_and_the_office_once(
    expiring,
):
    # when the daily job runs on the day the agreement is 90 days from its end
    with clock.frozen(at_jakarta(DAY_90, 0, 15)):
        output = run_daily("--date", DAY_90.isoformat())

    # then its responsible person and the office each get one notification
    # and one email
    assert reminded(expiring) == sorted(EXPECTED)
    assert Notification.objects.count() == len(EXPECTED)
    assert sorted(address for message in mail.outbox for address in message.to) == (
        sorted(f"{name}@example.test" for name in EXPECTED)
    )
    assert all("007/PL/KS/2024" in message.subject for message in mail.outbox)
    assert "core.outbox: ok" in output

    # when it runs again, the same day and the next
    with clock.frozen(at_jakarta(DAY_90, 9)):
        run_daily("--date", DAY_90.isoformat())
    with clock.frozen(at_jakarta(DAY_90 + datetime.timedelta(days=1), 0, 15)):
        run_daily()

    # then nothing new is sent
    assert Notification.objects.count() == len(EXPECTED)
    assert OutboxEmail.objects.count() == len(EXPECTED)
    assert len(mail.outbox) == len(EXPECTED)
    assert JobRun.objects.filter(ok=False).count() == 0


def test_with_the_mail_server_down_the_emails_wait_and_go_out_once_it_is_back(
    expiring,
):
    # given the mail server is down on the day of the reminder
    with override_settings(EMAIL_BACKEND=DOWN), clock.frozen(at_jakarta(DAY_90, 0, 15)):
        run_daily("--date", DAY_90.isoformat())

    # then the reminders are in the centre and the emails stay in the outbox
    assert reminded(expiring) == sorted(EXPECTED)
    assert mail.outbox == []
    failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED)
    assert failed.count() == len(EXPECTED)
    # the first was tried and refused; the rest were not tried in vain
    errors = sorted(email.last_error for email in failed)
    assert sum("Connection refused" in error for error in errors) == 1
    assert sum("could not be reached" in error for error in errors) == 3
    assert all(email.next_attempt_at for email in failed)

    # when the server is back and the next day's run comes
    next_day = at_jakarta(DAY_90 + datetime.timedelta(days=1), 0, 15)
    assert all(email.next_attempt_at <= next_day for email in failed)
    with override_settings(EMAIL_BACKEND=LOCMEM), clock.frozen(next_day):
        run_daily()
        # and once more, later
        run_daily("--job", "core.outbox")

    # then every email has gone out exactly once, and no reminder was repeated
    assert sorted(address for message in mail.outbox for address in message.to) == (
        sorted(f"{name}@example.test" for name in EXPECTED)
    )
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {
        OutboxEmail.Status.SENT
    }
    assert Notification.objects.count() == len(EXPECTED)


@pytest.mark.parametrize(
    ("moment", "expected_day", "reminded_yet"),
    [
        # 23:30 in Jakarta on the day before (16:30 UTC): not yet due
        (
            datetime.datetime(2027, 3, 31, 16, 30, tzinfo=datetime.UTC),
            DAY_90 - datetime.timedelta(days=1),
            False,
        ),
        # 00:30 in Jakarta on the day (17:30 UTC of the day before): due
        (
            datetime.datetime(2027, 3, 31, 17, 30, tzinfo=datetime.UTC),
            DAY_90,
            True,
        ),
        # 23:30 in Jakarta on the day (16:30 UTC of the same day): due
        (
            datetime.datetime(2027, 4, 1, 16, 30, tzinfo=datetime.UTC),
            DAY_90,
            True,
        ),
    ],
)
def test_due_dates_are_reckoned_in_jakarta(
    expiring, moment, expected_day, reminded_yet
):
    # given the 180-day reminder went out in its time
    run_daily("--date", (END - datetime.timedelta(days=180)).isoformat())
    before = set(Notification.objects.values_list("pk", flat=True))

    # when the daily job runs with the clock at the moment
    with clock.frozen(moment):
        run_daily()

    # then it runs as of the day in Jakarta, and the 90-day reminder goes out
    # from the first minute of its day, not before
    assert JobRun.objects.latest("pk").as_of == expected_day
    new = Notification.objects.exclude(pk__in=before)
    assert set(new.values_list("dedupe_key", flat=True)) == (
        {f"agreements.expiry:{expiring.pk}:90"} if reminded_yet else set()
    )


def test_a_bouncing_address_is_recorded_with_the_reason_and_nothing_else_is_lost(
    users, expiring, django_capture_on_commit_callbacks
):
    # given the responsible person's address does not exist
    users["unit_a"].email = f"unit_a@{BOUNCE_DOMAIN}"
    users["unit_a"].save()

    # when the daily job sends the reminders
    with override_settings(EMAIL_BACKEND=BOUNCING):
        output = run_daily("--date", DAY_90.isoformat())

        # and an event is emailed at once to the same address
        with django_capture_on_commit_callbacks(execute=True):
            event = notify(user=users["unit_a"], title="Usulan disetujui")

    # then the bounced emails are recorded as failed for good, with the reason
    bounced = OutboxEmail.objects.filter(recipient=f"unit_a@{BOUNCE_DOMAIN}")
    assert bounced.count() == 2
    for email in bounced:
        assert email.status == OutboxEmail.Status.GAVE_UP
        assert "550 5.1.1 User unknown" in email.last_error
    # the person still has both messages in Mitra, nothing half-saved
    assert event is not None
    assert Notification.objects.filter(recipient=users["unit_a"]).count() == 2
    # everyone else's email went out, and the run counts as a success
    assert sorted(address for message in mail.outbox for address in message.to) == (
        sorted(f"{name}@example.test" for name in EXPECTED - {"unit_a"})
    )
    assert "FAILED" not in output
    assert JobRun.objects.filter(ok=False).count() == 0


# --- Numbering --------------------------------------------------------------

SIGNING_DAY = datetime.date(2025, 8, 18)

REGISTER = (
    "No;Nama Mitra;Jenis Mitra;Negara;Tingkat;Jenis Dokumen;Nomor Dokumen;"
    "Nomor Dokumen Induk;Tentang;Bidang;Unit Pengusul;Tanggal Mulai;"
    "Tanggal Berakhir;Keterangan\n"
    "1;PT Galangan Contoh;Industri;Indonesia;Lokal;MoU;001/PL29/HK/2025;;"
    "Kerja sama magang;Pendidikan;Kantor Kerja Sama Uji;2 Januari 2025;"
    "2 Januari 2030;\n"
)


def import_old_register():
    """Import a register whose one MoU already carries number 001 of 2025."""
    plan = import_register(data=REGISTER.encode(), filename="register.csv")
    assert plan.summary()["agreements_created"] == 1
    return Agreement.objects.get(number="001/PL29/HK/2025")


def sign_with_a_number(agreement):
    """Give `agreement` its number the way signing does: in one transaction."""
    with transaction.atomic():
        agreement.number = number_issue(kind="agreement.mou", on=SIGNING_DAY)
        agreement.status = Status.SIGNED
        agreement.save(update_fields=["number", "status"])
    return agreement.number


def draft_mou(title):
    return Agreement.objects.create(
        document_type=DocumentType.MOU,
        title=title,
        partner=PartnerFactory(),
        status=Status.NEGOTIATION,
        start_date=SIGNING_DAY,
    )


def set_mou_pattern():
    NumberingPattern.objects.create(
        kind="agreement.mou", pattern="{seq:03}/PL29/HK/{year}"
    )


def test_a_number_already_used_by_an_imported_agreement_is_skipped(units):
    # given the office's old register imported, and the MoU numbering pattern
    import_old_register()
    set_mou_pattern()

    # when a new MoU is signed
    with frozen(SIGNING_DAY):
        preview = number_preview(kind="agreement.mou")
    number = sign_with_a_number(draft_mou("Kerja sama riset"))

    # then 001 is passed over, in the preview as at signing
    assert preview == number == "002/PL29/HK/2025"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agreements_signed_at_the_same_moment_get_different_numbers(units):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks")

    # given the imported register holding 001, and two MoUs ready to sign
    import_old_register()
    set_mou_pattern()
    drafts = [draft_mou("Kerja sama A"), draft_mou("Kerja sama B")]
    barrier = threading.Barrier(len(drafts))
    numbers, errors = {}, []

    def sign(agreement):
        try:
            barrier.wait(timeout=10)
            numbers[agreement.pk] = sign_with_a_number(agreement)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    # when each is signed on its own connection at the same moment
    threads = [threading.Thread(target=sign, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then both get a number, the two differ, and neither is the imported 001
    assert errors == []
    assert sorted(numbers.values()) == ["002/PL29/HK/2025", "003/PL29/HK/2025"]
    stored = dict(Agreement.objects.filter(pk__in=numbers).values_list("pk", "number"))
    assert stored == numbers


# --- Printed forms and issued documents -------------------------------------

UPLOAD = reverse("documents:form_upload", args=["agreement_summary"])


@pytest.fixture
def agreement(units, users):
    partner = PartnerFactory(name="PT Galangan Kapal Nusantara")
    letterhead_update(name="Politeknik Uji", address="Jl. Ahmad Yani", by=None)
    return AgreementFactory(
        number="012/PL29/HK/2024",
        title="Kerja sama pendidikan vokasi perkapalan",
        partner=partner,
        partner_contact=ContactFactory(partner=partner, name="Rina Marlina"),
        our_signatory_name="Dr. Budi Santoso",
        our_signatory_position="Direktur",
        partner_signatory_name="Ir. Siti Rahayu",
        partner_signatory_position="Direktur Utama",
        units=[units["ja"]],
    )


def assert_nothing_saved():
    assert FormTemplate.objects.count() == 0
    assert not PrintedForm.objects.filter(active_template__isnull=False).exists()


def test_it_refuses_a_template_with_an_unknown_variable_naming_it(users, client_for):
    # given a template using {{ nomor }} and {{ partner.nmae }}
    template = make_docx("Nomor: {{ nomor }}", "Mitra: {{ partner.nmae }}")

    # when the office uploads it for the agreement summary sheet
    response = client_for(users["office"]).post(
        UPLOAD,
        {"file": docx_upload(template), "activate": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then it is refused naming each unknown variable, and nothing is stored
    assert response.status_code == 400
    page = response.content.decode()
    assert "nomor" in page
    assert "partner.nmae" in page
    assert "does not provide" in page
    assert "partner.name" in page  # offered as the likely intended one
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("summary.docx", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "not an accepted type"),
        ("summary.docx", b"Nomor: {{ number }}", "not an accepted type"),
        ("bomb.docx", None, "unpacks to far more than its size"),
    ],
    ids=["pdf-named-docx", "text-named-docx", "zip-bomb"],
)
def test_it_refuses_a_file_that_is_not_a_safe_docx(
    users, client_for, name, content, message
):
    # given a file named .docx that is something else
    content = zip_bomb_docx() if content is None else content

    # when the office uploads it
    response = client_for(users["office"]).post(
        UPLOAD,
        {"file": docx_upload(content, name=name), "activate": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then a clear message, and nothing is stored
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_saved()


def test_it_prints_the_agreement_summary_sheet_as_docx_and_pdf(
    agreement, users, client_for
):
    client = client_for(users["unit_a"])
    url = reverse("documents:agreement_summary", args=[agreement.pk])

    # when the DOCX is downloaded, it reads back with python-docx
    response = client.get(url, {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = docx_text(response_bytes(response))
    for expected in (
        "012/PL29/HK/2024",
        "Politeknik Uji",
        "PT Galangan Kapal Nusantara",
        "Dr. Budi Santoso",
        "Ir. Siti Rahayu",
    ):
        assert expected in text

    # and the PDF's text has the number and the parties too
    response = client.get(url, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response_bytes(response))
    for expected in (
        "012/PL29/HK/2024",
        "Politeknik Uji",
        "PT Galangan Kapal Nusantara",
        "Dr. Budi Santoso",
        "Ir. Siti Rahayu",
    ):
        assert expected in text


def test_an_issued_document_is_frozen_and_versioned(agreement, users, client_for):
    office = users["office"]

    # given version 1 of the summary sheet, issued
    first = issue_document(
        kind="agreement_summary",
        source=agreement,
        context=form_context("agreement_summary", agreement, user=office),
        by=office,
        title="Ringkasan 012/PL29/HK/2024",
    )
    first_pdf = first.pdf_file.read()
    first.pdf_file.close()

    # when the agreement changes afterwards
    agreement.title = "Judul yang diubah kemudian"
    agreement.status = Status.TERMINATED
    agreement.save()

    # then version 1 is unchanged, in its data and in its files
    first.refresh_from_db()
    assert first.snapshot["title"] == "Kerja sama pendidikan vokasi perkapalan"
    client = client_for(users["unit_a"])
    url = reverse("documents:issued_file", args=[first.pk])
    stored = response_bytes(client.get(url, {"format": "pdf"}))
    assert stored == first_pdf
    assert "Kerja sama pendidikan vokasi perkapalan" in pdf_text(stored)

    # and editing it is refused, through the model, a bulk update and the admin
    first.title = "Diubah"
    with translation.override("en"):
        with pytest.raises(ValidationError, match="cannot be changed"):
            first.save()
        with pytest.raises(ValidationError, match="cannot be changed"):
            IssuedDocument.objects.filter(pk=first.pk).update(title="Diubah")
    admin = client_for(users["admin"])
    change_url = reverse("admin:documents_issueddocument_change", args=[first.pk])
    admin.post(change_url, {"title": "Diubah"})
    first.refresh_from_db()
    assert first.title == "Ringkasan 012/PL29/HK/2024"

    # when it is issued again
    second = issue_document(
        kind="agreement_summary",
        source=agreement,
        context=form_context("agreement_summary", agreement, user=office),
        by=office,
        title="Ringkasan 012/PL29/HK/2024",
    )

    # then that is version 2, superseding version 1, which stays readable
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert second.supersedes == first
    assert first.superseded_by == second
    assert not first.is_current and second.is_current
    assert "Judul yang diubah kemudian" in docx_text(
        response_bytes(
            client.get(
                reverse("documents:issued_file", args=[second.pk]),
                {"format": "docx"},
            )
        )
    )
    page = client.get(reverse("documents:issued_detail", args=[first.pk]))
    assert page.status_code == 200
    assert "Kerja sama pendidikan vokasi perkapalan" in page.content.decode()
    assert response_bytes(client.get(url, {"format": "pdf"})) == first_pdf


# --- User administration ----------------------------------------------------

LINK = re.compile(r"http://testserver(/accounts/invitation/[\w-]+/)")
PASSWORD = "kapal-layar-2024!"


def invite(client, units, email="rina@kampus.test"):
    """Let the head's client invite a new member of staff; return the link."""
    response = client.post(
        reverse("user_create"),
        {
            "first_name": "Rina",
            "email": email,
            "role": Role.UNIT,
            "units": [units["ja"].pk],
            "send_invitation": "on",
        },
    )
    assert response.status_code == 302
    return latest_link(email)


def latest_link(email):
    body = OutboxEmail.objects.filter(recipient=email).order_by("-pk").first().body
    return LINK.search(body)[1]


def set_password(client, link, password=PASSWORD):
    return client.post(link, {"new_password1": password, "new_password2": password})


def test_an_invited_user_sets_a_password_once_then_the_link_is_gone(
    users, units, client, client_for
):
    # given the head invites a new member of staff
    link = invite(client_for(users["head"]), units)
    client.logout()
    rina = User.objects.get(email="rina@kampus.test")
    assert not rina.has_usable_password()

    # when the invitee opens the link and sets a password
    page = client.get(link)
    assert page.status_code == 200
    assert "rina@kampus.test" in page.content.decode()
    response = set_password(client, link)

    # then they can log in with it
    assert response.url == reverse("login")
    login = client.post(
        reverse("login"), {"username": "rina@kampus.test", "password": PASSWORD}
    )
    assert login.url == reverse("reports:dashboard")
    client.logout()

    # and the link answers 410, on opening and on a second try alike
    assert client.get(link).status_code == 410
    reused = set_password(client, link, "another-pass-2024!")
    assert reused.status_code == 410
    assert "already been used" in reused.content.decode()
    rina.refresh_from_db()
    assert rina.check_password(PASSWORD)


def test_an_expired_link_answers_410(users, units, client, client_for):
    link = invite(client_for(users["head"]), units)
    client.logout()
    expired = clock.now() + datetime.timedelta(days=7, minutes=1)

    with clock.frozen(expired):
        opened = client.get(link)
        tried = set_password(client, link)

    assert opened.status_code == 410
    assert tried.status_code == 410
    assert "expired" in opened.content.decode()
    assert not User.objects.get(email="rina@kampus.test").has_usable_password()


def test_a_link_works_until_just_before_it_expires(users, units, client, client_for):
    link = invite(client_for(users["head"]), units)
    client.logout()

    with clock.frozen(clock.now() + datetime.timedelta(days=6, hours=23)):
        assert client.get(link).status_code == 200


def test_a_forged_token_answers_404(users, units, client, client_for):
    link = invite(client_for(users["head"]), units)
    client.logout()
    forged = link[:-5] + ("AAAA" if not link.endswith("AAAA/") else "BBBB") + "/"

    assert client.get(forged).status_code == 404
    assert set_password(client, forged).status_code == 404
    assert client.get(reverse("invitation_accept", args=["x" * 500])).status_code == 404


def test_only_a_hash_of_the_token_is_stored(users, units, client_for):
    link = invite(client_for(users["head"]), units)
    token = link.rstrip("/").rsplit("/", 1)[1]

    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_a_second_invitation_revokes_the_first(users, units, client, client_for):
    # given an invitation, then a new one sent by the head
    head_client = client_for(users["head"])
    first = invite(head_client, units)
    rina = User.objects.get(email="rina@kampus.test")
    head_client.post(reverse("user_invitation_send", args=[rina.pk]))
    second = latest_link("rina@kampus.test")
    head_client.logout()

    # then the first link is gone and the second one works
    assert second != first
    assert client.get(first).status_code == 410
    assert set_password(client, first).status_code == 410
    assert set_password(client, second).url == reverse("login")


def test_a_weak_password_is_refused_and_the_link_still_works(
    users, units, client, client_for
):
    link = invite(client_for(users["head"]), units)
    client.logout()

    weak = client.post(link, {"new_password1": "12345", "new_password2": "12345"})
    mismatch = client.post(
        link, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}
    )

    assert weak.status_code == 200
    assert weak.context["form"].errors
    assert mismatch.status_code == 200
    assert client.get(link).status_code == 200


def test_deactivating_an_invited_user_kills_the_link(users, units, client, client_for):
    head_client = client_for(users["head"])
    link = invite(head_client, units)
    rina = User.objects.get(email="rina@kampus.test")

    head_client.post(reverse("user_deactivate", args=[rina.pk]))
    head_client.logout()

    assert client.get(link).status_code == 410
