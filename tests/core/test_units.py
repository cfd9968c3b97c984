"""Unit administration: the tree, create and edit, deactivate, CSV upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mitra.core import services
from mitra.core.models import Unit, UnitKind
from mitra.core.views import unit_tree

OTHER_ROLES = ["office", "leader", "auditor", "unit_a"]


def csv_upload(text, name="units.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_it_refuses_unit_administration_to_other_roles(users, units, client_for, role):
    client = client_for(users[role])
    ja = units["ja"]

    for url in (
        reverse("unit_list"),
        reverse("unit_create"),
        reverse("unit_import"),
        reverse("unit_edit", args=[ja.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("unit_deactivate", args=[ja.pk])).status_code == 403
    assert client.post(reverse("unit_edit", args=[ja.pk]), {}).status_code == 403
    ja.refresh_from_db()
    assert ja.is_active


def test_it_shows_the_tree_in_order_with_depth(users, units, client_for):
    response = client_for(users["head"]).get(reverse("unit_list"))

    tree = [(unit.code, depth) for unit, depth in response.context["tree"]]
    assert tree == [
        ("ROOT", 0),
        ("JA", 1),
        ("JA1", 2),
        ("JB", 1),
        ("JB1", 2),
        ("OFF", 1),
    ]
    assert "D4" in response.content.decode()


def test_the_tree_keeps_orphans_and_loops():
    a, b, c = (Unit(pk=n, code=code) for n, code in ((1, "A"), (2, "B"), (3, "C")))
    a.parent_id, b.parent_id, c.parent_id = 2, 1, 99

    assert [(u.code, d) for u, d in unit_tree([a, b, c])] == [
        ("C", 0),
        ("A", 0),
        ("B", 0),
    ]


def test_the_admin_creates_a_prodi_with_aliases(users, units, client_for):
    client = client_for(users["admin"])

    response = client.post(
        reverse("unit_create"),
        {
            "code": "JA2",
            "name": "Prodi A2",
            "kind": UnitKind.PRODI,
            "parent": units["ja"].pk,
            "level": "S2 Terapan",
            "aliases": "PA2\n  Prodi   A dua \nPA2\n",
        },
    )

    assert response.url == reverse("unit_list")
    unit = Unit.objects.get(code="JA2")
    assert unit.parent == units["ja"]
    assert unit.aliases == ["PA2", "Prodi A dua"]
    assert unit.history.latest().history_user == users["admin"]


def test_a_prodi_must_sit_under_a_jurusan(users, units, client_for):
    response = client_for(users["head"]).post(
        reverse("unit_create"),
        {"code": "X1", "name": "Prodi X", "kind": UnitKind.PRODI, "parent": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    assert not Unit.objects.filter(code="X1").exists()


def test_a_unit_cannot_move_below_itself(users, units, client_for):
    ja = units["ja"]

    response = client_for(users["head"]).post(
        reverse("unit_edit", args=[ja.pk]),
        {"code": "JA", "name": "Jurusan A", "kind": UnitKind.JURUSAN, "parent": ja.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["parent"]
    with pytest.raises(Exception, match="below"):
        services.unit_update(unit=units["root"], by=users["head"], parent=ja)


def test_editing_a_unit_shows_its_history(users, units, client_for):
    client = client_for(users["head"])
    jb = units["jb"]

    client.post(
        reverse("unit_edit", args=[jb.pk]),
        {
            "code": "JB",
            "name": "Jurusan Bisnis",
            "kind": UnitKind.JURUSAN,
            "parent": units["root"].pk,
            "aliases": "Bisnis",
        },
    )
    page = client.get(reverse("unit_edit", args=[jb.pk])).content.decode()

    jb.refresh_from_db()
    assert jb.name == "Jurusan Bisnis"
    assert jb.aliases == ["Bisnis"]
    assert "Jurusan B" in page
    assert "Jurusan Bisnis" in page
    assert "unit_b" in page or str(users["unit_b"]) in page


def test_deactivating_waits_for_the_units_below(users, units, client_for):
    client = client_for(users["head"])
    jb, jb1 = units["jb"], units["jb1"]

    response = client.post(reverse("unit_deactivate", args=[jb.pk]), follow=True)
    jb.refresh_from_db()
    assert jb.is_active
    assert "JB1" in response.content.decode()

    client.post(reverse("unit_deactivate", args=[jb1.pk]))
    client.post(reverse("unit_deactivate", args=[jb.pk]))
    jb.refresh_from_db()
    assert not jb.is_active
    listed = client.get(reverse("unit_list")).context["tree"]
    assert "JB" not in [unit.code for unit, _depth in listed]
    listed_all = client.get(reverse("unit_list"), {"all": "1"}).context["tree"]
    assert "JB" in [unit.code for unit, _depth in listed_all]
    assert users["unit_b"].units.get() == jb


def test_the_csv_upload_loads_units(users, units, client_for):
    text = (
        "code,name,kind,parent,level,aliases\n"
        "JC,Jurusan C,jurusan,ROOT,,JC|Jur C\n"
        "JC1,Prodi C1,prodi,JC,D4,\n"
        "JA,Jurusan A Baru,jurusan,ROOT,,\n"
    )

    response = client_for(users["head"]).post(
        reverse("unit_import"), {"file": csv_upload(text)}
    )

    assert response.url == reverse("unit_list")
    assert Unit.objects.get(code="JC1").parent.code == "JC"
    assert Unit.objects.get(code="JA").name == "Jurusan A Baru"


def test_the_csv_upload_shows_row_errors_and_saves_nothing(users, units, client_for):
    text = (
        "code,name,kind,parent,level,aliases\n"
        "JC,Jurusan C,jurusan,ROOT,,\n"
        "JC1,Prodi C1,faculty,JC,,\n"
        "JC2,Prodi C2,prodi,NOPE,,\n"
        "JA,Jurusan A Baru,jurusan,ROOT,,\n"
    )

    response = client_for(users["head"]).post(
        reverse("unit_import"), {"file": csv_upload(text)}
    )

    assert response.status_code == 200
    errors = response.context["errors"]
    assert any("3" in error and "faculty" in error for error in errors)
    assert any("4" in error and "NOPE" in error for error in errors)
    assert not Unit.objects.filter(code__startswith="JC").exists()
    assert Unit.objects.get(code="JA").name == "Jurusan A"


@pytest.mark.parametrize(
    "upload",
    [
        csv_upload("", name="empty.csv"),
        SimpleUploadedFile("units.csv", b"PK\x03\x04\x00\x00binary"),
        csv_upload("nama,jenis\nA,B\n"),
        csv_upload("code,name,kind\n" + "X" * 50 + ",Too long,unit\n"),
    ],
    ids=["empty", "binary", "no-columns", "too-long"],
)
def test_a_bad_units_file_gets_a_message(users, units, client_for, upload):
    before = Unit.objects.count()

    response = client_for(users["head"]).post(reverse("unit_import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["errors"] or response.context["form"].errors
    assert Unit.objects.count() == before


def test_a_units_file_in_windows_encoding_is_read(users, units, client_for):
    text = "code,name,kind,parent\nJD,Jurusan Désain,jurusan,ROOT\n"

    client_for(users["head"]).post(
        reverse("unit_import"), {"file": csv_upload(text, encoding="cp1252")}
    )

    assert Unit.objects.get(code="JD").name == "Jurusan Désain"
