"""lore ui in a real browser (Debian's chromium driven by Playwright): list -> fitting -> compare -> promote.

Screenshots of each page go to ``$LORE_TEST_ARTIFACTS/ui`` (default ``test-artifacts/ui``
at the repository root), kept by CI; the docs show copies of them. Locally the test
skips when chromium or Playwright is missing; with ``LORE_REQUIRE_SERVICES=1`` it fails.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LORE_TEST_CHROMIUM", "/usr/bin/chromium")
#: Flags for a headless chromium that never reaches the network on its own.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
MODEL = "shop.models.subscribers.BoostedName"
ARTIFACTS = Path(
    os.environ.get("LORE_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")
)


def _require_browser() -> None:
    reason = None
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium (or set LORE_TEST_CHROMIUM)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright is missing: pip install playwright (never `playwright install`)"
    if reason is None:
        return
    if os.environ.get("LORE_REQUIRE_SERVICES"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.slow
def test_list_fitting_compare_promote(fitted_project, ui_server, browser):
    url = ui_server(fitted_project, promote=True)
    shots = ARTIFACTS / "ui"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(url + "/")
    assert page.locator("h1").inner_text() == "Models"
    page.screenshot(path=shots / "models.png", full_page=True)

    page.get_by_role("link", name=MODEL).click()
    assert page.locator("h1").inner_text() == MODEL
    page.screenshot(path=shots / "fittings.png", full_page=True)

    page.get_by_role("link", name="#2").click()
    assert page.locator("h1").inner_text() == f"{MODEL} #2"
    report = page.frame_locator("iframe.report")
    assert report.locator("h1").inner_text() == MODEL
    assert report.locator("img").count() >= 5
    page.screenshot(path=shots / "fitting.png")

    page.goto(f"{url}/models/{MODEL}/2/report.html")
    page.screenshot(path=shots / "report.png", full_page=True)

    page.goto(f"{url}/models/{MODEL}")
    page.get_by_label("compare 1").check()
    page.get_by_label("compare 2").check()
    page.get_by_role("button", name="Compare the ticked fittings").click()
    assert page.locator("h1").inner_text() == f"{MODEL}: fittings #2, #1"
    assert page.get_by_role("heading", name="Parameters that differ").is_visible()
    page.screenshot(path=shots / "compare.png", full_page=True)

    page.get_by_role("link", name="#2").first.click()
    page.get_by_label("Promote to alias").fill("production")
    page.get_by_role("button", name="Promote").click()
    assert page.locator("p.ok").inner_text() == "production now points at this fitting"
    page.screenshot(path=shots / "promoted.png")
    assert json.loads((fitted_project / "models" / MODEL / "aliases.json").read_text()) == {"production": 2}

    assert all(request.startswith((url, "data:")) for request in requests), "a page reached the network"
