"""A headless Debian Chromium driven by Playwright (its own browser download is not used)."""

import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run deploy/local/ensure-browser.sh (make test does)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()
    # Not playwright.stop(): under eventlet's monkey-patching it waits forever for the driver
    # process's exit to be reported, although the driver has already exited.


@pytest.fixture(params=[{"width": 1366, "height": 768}], ids=["office-screen"])
def page(browser, request):
    context = browser.new_context(viewport=request.param, locale="th-TH")
    opened = context.new_page()
    errors = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


class Shots:
    """Saves a screenshot of each step under tests/screenshots/<test>/NN-step.png."""

    def __init__(self, page, test_name):
        self.page = page
        self.folder = SHOTS / re.sub(r"[^\w-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, step: str):
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


@pytest.fixture
def shot(page, request):
    return Shots(page, request.node.name)
