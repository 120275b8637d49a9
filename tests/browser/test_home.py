import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_renders_without_console_errors_or_axe_violations(live_server, page, axe_check):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("link", name="Zum Inhalt springen").count() == 1
    axe_check(page)
    assert page.console_errors == []


def test_home_page_loads_nothing_from_other_hosts(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    assert requested, "the page requested nothing at all"
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)


def test_skip_link_moves_focus_to_main_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Zum Inhalt springen" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path", ["/konto/login/", "/konto/signup/", "/impressum/", "/gibt-es-nicht/"]
)
def test_account_and_content_pages_pass_axe(live_server, page, axe_check, path):
    page.goto(live_server.url + path)
    axe_check(page)


def test_a_form_sent_without_its_cookie_gets_the_sites_own_page(live_server, page, axe_check):
    page.goto(live_server.url + "/barrierefreiheit/rueckmeldung/")
    page.fill("#id_message", "Der Kontrast im Kopf der Seite ist zu schwach.")
    page.context.clear_cookies()  # blocked, or gone while the page was open
    page.get_by_role("button", name="Nachricht senden").click()
    assert page.locator("h1").inner_text() == "Formular nicht angenommen"
    assert page.evaluate("document.documentElement.lang") == "de"
    axe_check(page)
