"""In a real browser: log in, import the sample register, see the dashboard."""

from pathlib import Path

from django.core.management import call_command

from mitra.agreements.models import Agreement
from tests.browser.conftest import log_in

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def test_it_imports_a_register_through_the_web_and_shows_the_dashboard(
    page, live_server, transactional_db, users
):
    # given the unit tree of the register's institution
    call_command("import_units", str(DATA / "units-contoh.csv"))
    log_in(page, live_server, "office")

    # when the office uploads the register and accepts the proposed columns
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("input[name=file]", str(DATA / "daftar-kerjasama-contoh.xlsx"))
    page.click("main button[type=submit]")
    page.wait_for_url("**/mapping/")
    page.click("main button.btn-primary[type=submit]")
    page.wait_for_url("**/preview/")

    # then the preview shows every row's outcome before anything is saved
    assert page.text_content("[data-count=created]").strip() == "80"
    assert page.text_content("[data-count=rejected]").strip() == "3"
    assert page.text_content("[data-count=repeated]").strip() == "1"
    assert Agreement.objects.count() == 0

    # when the office confirms
    page.click("#confirm-import")
    page.wait_for_url("**/imports/*/")
    assert Agreement.objects.count() == 80
    assert "24" in page.text_content("main")

    # then the dashboard shows the imported agreements with its charts
    page.goto(f"{live_server.url}/reports/")
    assert int(page.text_content("[data-figure=agreements]")) == 80
    assert page.locator("canvas[data-chart=by_type]").count() == 1
    page.wait_for_function(
        "() => window.Chart && Object.keys(Chart.instances).length > 0"
    )
