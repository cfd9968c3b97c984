"""Building survey rounds for tests: instruments, contacts, links, answers."""

import datetime
import re
from importlib import import_module

from django.core.cache import cache

from mitra.core import clock
from mitra.core.models import OutboxEmail
from mitra.surveys import services
from mitra.surveys.models import Instrument, Item, ItemKind, Round, RoundStatus
from tests.factories import AgreementFactory, ContactFactory, PartnerFactory

DEFAULT_INSTRUMENT = "Survei kepuasan mitra (bawaan)"
OPENS = datetime.date(2025, 3, 1)
CLOSES = datetime.date(2025, 3, 31)
LINK = re.compile(r"/surveys/s/([A-Za-z0-9_\-]+)/")


def default_instrument():
    """The instrument the data migration seeds (seeded again when a
    transactional test has flushed the database)."""
    if not Instrument.objects.filter(name=DEFAULT_INSTRUMENT).exists():
        from django.apps import apps

        seed = import_module("mitra.surveys.migrations.0002_default_instrument").seed
        seed(apps, None)
    return Instrument.objects.get(name=DEFAULT_INSTRUMENT)


def make_contacts(count, *, language="id", agreements=True):
    """Return `count` contacts, each of a partner with an agreement in force."""
    contacts = []
    for _index in range(count):
        partner = PartnerFactory()
        if agreements:
            AgreementFactory(
                partner=partner,
                start_date=datetime.date(2024, 1, 1),
                end_date=datetime.date(2028, 12, 31),
            )
        contacts.append(ContactFactory(partner=partner, language=language))
    return contacts


def make_round(
    *,
    by,
    contacts,
    anonymous=False,
    opens_on=OPENS,
    closes_on=CLOSES,
    instrument=None,
    title="Survei 2025",
    year=2025,
    open_on=None,
):
    """Create a round inviting `contacts`; open it (as of `open_on`) unless None
    is given for `open_on` and the round should stay a draft."""
    round = services.round_save(
        round=Round(
            title=title,
            year=year,
            instrument=instrument or default_instrument(),
            opens_on=opens_on,
            closes_on=closes_on,
            anonymous=anonymous,
        ),
        by=by,
    )
    services.invitations_add(round=round, contacts=contacts, by=by)
    if open_on is not None:
        with clock.frozen(open_on):
            services.round_open(round=round, by=by)
        round.refresh_from_db()
    return round


def tokens_sent_to(email):
    """Every survey token emailed to `email`, oldest first."""
    bodies = OutboxEmail.objects.filter(recipient=email).order_by("pk")
    return [match for body in bodies for match in LINK.findall(body.body)]


def answer_data(instrument, values, *, open_text="", lang=None):
    """POST data answering every scale item with `values[code]` (default 3)."""
    data = {}
    for item in Item.objects.filter(instrument=instrument):
        if item.kind == ItemKind.SCALE:
            value = values.get(item.code, 3)
            if value is not None:
                data[f"item_{item.pk}"] = str(value)
        elif open_text:
            data[f"item_{item.pk}"] = open_text
    if lang:
        data["lang"] = lang
    return data


def clear_rate_limits():
    cache.clear()


def round_is_open(round):
    return round.status == RoundStatus.OPEN
