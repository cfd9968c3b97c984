"""The instrument editor: the seeded default, editing, locking and copying."""

import pytest

from mitra.surveys.models import Aspect, Instrument, Item, ItemKind, ServiceElement
from tests.surveys.helpers import OPENS, default_instrument, make_contacts, make_round

pytestmark = pytest.mark.django_db


def test_the_default_instrument_has_the_nine_elements_and_the_cooperation_items():
    instrument = default_instrument()
    items = list(instrument.items.order_by("aspect__order", "order"))

    elements = [item.service_element for item in items if item.service_element]
    assert elements == [choice.value for choice in ServiceElement]
    cooperation = [item for item in items if not item.service_element]
    assert [item.code for item in cooperation] == [f"K{n}" for n in range(1, 13)]
    assert [item.kind for item in cooperation].count(ItemKind.OPEN) == 1
    assert cooperation[-1].text_en == "Ideas for new cooperation"
    for item in items:
        assert item.text_id and item.text_en
        if item.is_scale:
            assert len(item.labels_id) == len(item.labels_en) == 4
    assert all(item.required for item in items if item.service_element)


def test_the_office_builds_an_instrument_with_aspects_and_items(client_for, users):
    office = client_for(users["office"])

    response = office.post(
        "/surveys/instruments/new/", {"name": "Survei singkat", "description": ""}
    )
    instrument = Instrument.objects.get(name="Survei singkat")
    assert response.url == instrument.get_absolute_url()
    office.post(
        f"/surveys/instruments/{instrument.pk}/aspects/new/",
        {"name_id": "Layanan", "name_en": "Service", "order": 10},
    )
    aspect = Aspect.objects.get(instrument=instrument)
    labels = {
        f"label_{language}_{point}": f"{language}{point}"
        for language in ("id", "en")
        for point in range(1, 5)
    }
    response = office.post(
        f"/surveys/instruments/{instrument.pk}/items/new/",
        {
            "aspect": aspect.pk,
            "code": "U1",
            "text_id": "Persyaratan",
            "text_en": "Requirements",
            "kind": "scale",
            "service_element": "U1",
            "order": 10,
            "required": "on",
            **labels,
        },
    )
    assert response.status_code == 302
    item = Item.objects.get(instrument=instrument)
    assert item.labels_id == ["id1", "id2", "id3", "id4"]
    assert item.labels_en == ["en1", "en2", "en3", "en4"]
    assert item.is_service


def test_it_refuses_a_second_item_for_the_same_element_or_code(client_for, users):
    office = client_for(users["office"])
    instrument = default_instrument()
    copy_response = office.post(f"/surveys/instruments/{instrument.pk}/copy/")
    copy = Instrument.objects.exclude(pk=instrument.pk).get()
    assert copy_response.url == copy.get_absolute_url()
    aspect = copy.aspects.first()

    response = office.post(
        f"/surveys/instruments/{copy.pk}/items/new/",
        {
            "aspect": aspect.pk,
            "code": "U1",
            "text_id": "x",
            "text_en": "x",
            "kind": "scale",
            "service_element": "U2",
            "order": 1,
            **{f"label_{lang}_{p}": "x" for lang in ("id", "en") for p in range(1, 5)},
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "code" in errors and "service_element" in errors


def test_an_open_question_cannot_be_a_service_element(client_for, users):
    office = client_for(users["office"])
    instrument = Instrument.objects.create(name="Baru")
    aspect = Aspect.objects.create(instrument=instrument, name_id="A", name_en="A")

    response = office.post(
        f"/surveys/instruments/{instrument.pk}/items/new/",
        {
            "aspect": aspect.pk,
            "code": "X",
            "text_id": "x",
            "text_en": "x",
            "kind": "open",
            "service_element": "U9",
            "order": 1,
        },
    )

    assert response.status_code == 400
    assert "service_element" in response.context["form"].errors
    assert not Item.objects.filter(instrument=instrument).exists()


def test_an_instrument_used_by_a_round_cannot_be_edited_but_can_be_copied(
    client_for, users
):
    # given the default instrument used by a round
    make_round(by=users["office"], contacts=make_contacts(1), open_on=OPENS)
    instrument = default_instrument()
    item = instrument.items.get(code="U1")
    office = client_for(users["office"])

    # when the office tries to change, delete or add to it
    edit = office.post(
        f"/surveys/instruments/{instrument.pk}/items/{item.pk}/",
        {"aspect": item.aspect_id, "code": "U1", "text_id": "Diubah", "text_en": "x"},
    )
    delete = office.post(
        f"/surveys/instruments/{instrument.pk}/items/{item.pk}/delete/"
    )
    add = office.post(
        f"/surveys/instruments/{instrument.pk}/aspects/new/",
        {"name_id": "B", "name_en": "B", "order": 1},
    )
    rename = office.post(
        f"/surveys/instruments/{instrument.pk}/edit/", {"name": "Lain"}
    )

    # then nothing changes and the page explains why
    assert {edit.status_code, delete.status_code, add.status_code} == {302}
    assert rename.status_code == 302
    item.refresh_from_db()
    instrument.refresh_from_db()
    assert item.text_id != "Diubah"
    assert instrument.name != "Lain"
    assert instrument.aspects.count() == 4
    page = office.get(instrument.get_absolute_url())
    assert 'id="instrument-locked"' in page.content.decode()

    # and a copy is free to change
    office.post(f"/surveys/instruments/{instrument.pk}/copy/")
    copy = Instrument.objects.get(copied_from=instrument)
    assert copy.items.count() == instrument.items.count()
    assert not copy.is_locked
    response = office.post(
        f"/surveys/instruments/{copy.pk}/edit/", {"name": "Survei 2026"}
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.name == "Survei 2026"


def test_only_the_office_edits_instruments(client_for, users):
    instrument = default_instrument()
    for name in ("leader", "auditor"):
        client = client_for(users[name])
        assert client.get(instrument.get_absolute_url()).status_code == 200
        assert (
            client.post(f"/surveys/instruments/{instrument.pk}/copy/").status_code
            == 403
        )
        assert (
            client.get(f"/surveys/instruments/{instrument.pk}/edit/").status_code == 403
        )
    unit = client_for(users["unit_a"])
    assert unit.get(instrument.get_absolute_url()).status_code == 404
    assert unit.get("/surveys/instruments/").status_code == 403


def test_the_instrument_list_runs_a_fixed_number_of_queries(
    client_for, users, django_assert_max_num_queries
):
    office = client_for(users["office"])
    office.get("/surveys/instruments/")
    for index in range(5):
        Instrument.objects.create(name=f"Instrumen {index}")
    with django_assert_max_num_queries(8):
        response = office.get("/surveys/instruments/")
    assert response.status_code == 200


def test_every_editor_page_opens(client_for, users):
    office = client_for(users["office"])
    office.post(f"/surveys/instruments/{default_instrument().pk}/copy/")
    copy = Instrument.objects.get(copied_from__isnull=False)
    aspect = copy.aspects.first()
    item = copy.items.get(code="U4")
    pages = [
        "/surveys/instruments/",
        "/surveys/instruments/new/",
        copy.get_absolute_url(),
        f"/surveys/instruments/{copy.pk}/edit/",
        f"/surveys/instruments/{copy.pk}/aspects/new/",
        f"/surveys/instruments/{copy.pk}/aspects/{aspect.pk}/",
        f"/surveys/instruments/{copy.pk}/items/new/?aspect={aspect.pk}",
        f"/surveys/instruments/{copy.pk}/items/{item.pk}/",
    ]
    for page in pages:
        assert office.get(page).status_code == 200, page
    form = office.get(f"/surveys/instruments/{copy.pk}/items/{item.pk}/").context[
        "form"
    ]
    assert form["label_en_4"].value() == "Free"


def test_deleting_parts_of_an_unused_instrument(client_for, users):
    office = client_for(users["office"])
    office.post(f"/surveys/instruments/{default_instrument().pk}/copy/")
    copy = Instrument.objects.get(copied_from__isnull=False)
    aspect = copy.aspects.order_by("order").last()
    item = copy.items.get(code="U1")

    office.post(f"/surveys/instruments/{copy.pk}/items/{item.pk}/delete/")
    office.post(f"/surveys/instruments/{copy.pk}/aspects/{aspect.pk}/delete/")

    assert not copy.items.filter(code="U1").exists()
    assert not copy.items.filter(code="K12").exists()  # went with its aspect
    office.post(f"/surveys/instruments/{copy.pk}/delete/")
    assert not Instrument.objects.filter(pk=copy.pk).exists()


# --- Codes whatever their case, aspects in the page's language ------------------


def _item_data(aspect, code, **extra):
    return {
        "aspect": aspect.pk,
        "code": code,
        "text_id": "Pertanyaan",
        "text_en": "Question",
        "kind": "scale",
        "service_element": "",
        "order": 1,
        **{f"label_{lang}_{p}": "x" for lang in ("id", "en") for p in range(1, 5)},
        **extra,
    }


def test_item_codes_are_unique_whatever_their_case(client_for, users):
    office = client_for(users["office"])
    instrument = Instrument.objects.create(name="Baru")
    aspect = Aspect.objects.create(instrument=instrument, name_id="A", name_en="A")
    url = f"/surveys/instruments/{instrument.pk}/items/new/"

    # a code is stored in upper case, without surrounding spaces
    assert office.post(url, _item_data(aspect, " k1 ")).status_code == 302
    assert list(instrument.items.values_list("code", flat=True)) == ["K1"]

    # and the same code in another case is the same code
    response = office.post(url, _item_data(aspect, "k1"))
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert instrument.items.count() == 1


def test_a_lower_case_code_kept_from_before_still_clashes(users):
    from mitra.surveys import services

    instrument = Instrument.objects.create(name="Lama")
    aspect = Aspect.objects.create(instrument=instrument, name_id="A", name_en="A")
    Item.objects.create(instrument=instrument, aspect=aspect, code="u1", text_id="x")

    with pytest.raises(services.ValidationError) as caught:
        services.item_save(
            item=Item(instrument=instrument, aspect=aspect, code="U1", text_id="y"),
            by=users["office"],
        )

    assert "code" in caught.value.message_dict


def test_rounds_are_compared_whatever_the_case_of_their_codes(users):
    from mitra.core import clock
    from mitra.surveys import services
    from mitra.surveys.results import compute
    from tests.surveys.helpers import CLOSES, tokens_sent_to

    def answer(round, contact, value, on):
        with clock.frozen(on):
            link = services.link_find(tokens_sent_to(contact.email)[-1])
            items = round.instrument.items.filter(kind="scale")
            services.response_submit(link=link, answers=dict.fromkeys(items, value))

    # given a closed round whose instrument wrote a code in lower case
    office = users["office"]
    Item.objects.filter(instrument=default_instrument(), code="K3").update(code="k3")
    before = make_round(by=office, contacts=make_contacts(1), open_on=OPENS)
    answer(before, before.invitations.get().contact, 2, OPENS)
    with clock.frozen(CLOSES):
        services.round_close(round=before, by=office)
    # and a copy whose item was saved again since (its code now upper case)
    copy = services.instrument_copy(instrument=default_instrument(), by=office)
    services.item_save(item=copy.items.get(code="k3"), by=office)
    later = OPENS.replace(month=9)
    after = make_round(
        by=office,
        contacts=make_contacts(1),
        instrument=copy,
        title="Survei 2025 II",
        opens_on=later,
        closes_on=later.replace(day=30),
        open_on=later,
    )
    answer(after, after.invitations.get().contact, 4, later)

    # then the question is still compared with the earlier round
    results = compute(after)
    k3 = next(row for row in results.items if row.item.code == "K3")
    assert results.previous == before
    assert k3.previous_mean == 2


@pytest.mark.indonesian
def test_the_aspect_choices_are_named_in_the_page_s_language(client_for, users):
    instrument = Instrument.objects.create(name="Baru")
    aspect = Aspect.objects.create(
        instrument=instrument, name_id="Mutu layanan", name_en="Service quality"
    )
    Aspect.objects.create(instrument=instrument, name_id="Manfaat", name_en="")
    office = client_for(users["office"])

    page = office.get(
        f"/surveys/instruments/{instrument.pk}/items/new/?aspect={aspect.pk}"
    ).content.decode()

    assert f'<option value="{aspect.pk}" selected>Mutu layanan</option>' in page
    assert ">Manfaat</option>" in page
    assert "Service quality" not in page


def test_the_aspect_choices_are_in_english_for_an_english_page(client_for, users):
    instrument = Instrument.objects.create(name="Baru")
    Aspect.objects.create(
        instrument=instrument, name_id="Mutu layanan", name_en="Service quality"
    )
    Aspect.objects.create(instrument=instrument, name_id="Manfaat", name_en="")
    office = client_for(users["office"])

    page = office.get(f"/surveys/instruments/{instrument.pk}/items/new/")

    choices = [label for _value, label in page.context["form"].fields["aspect"].choices]
    assert choices == ["Service quality", "Manfaat"]
