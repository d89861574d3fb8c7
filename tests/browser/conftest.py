"""Browser-test harness: Playwright (sync API) driving the Debian Chromium, with axe-core.

Every browser test:
- is marked ``@pytest.mark.browser`` and ``@pytest.mark.django_db(transaction=True)``
  (the live server runs in another thread and must see committed rows);
- gets a fresh browser context through the ``page`` fixture;
- calls ``assert_accessible(page)`` on each page it visits.

Chromium is never downloaded: we drive /usr/bin/chromium. Without it the tests are skipped
locally and fail in CI (``CI=true``).
"""

import os

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.browser.helpers import DESKTOP, PHONE, assert_accessible

# Playwright's sync API runs an event loop in the test thread; Django would then refuse
# database access from that thread (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _in_ci():
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def playwright_instance():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


class CspWatcher:
    """Collects the browser's Content-Security-Policy complaints for one page."""

    def __init__(self):
        self.violations = []

    def __call__(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)


@pytest.fixture
def page(browser, live_server):
    """A page in a brand-new context (no cookies) at desktop size, French locale.

    Fails the test at teardown if the page broke the Content-Security-Policy (an inline
    script or a style= attribute slipped into a template).
    """
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    csp = CspWatcher()
    page.on("console", csp)
    yield page
    context.close()
    if csp.violations:
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(csp.violations), pytrace=False
        )


@pytest.fixture
def phone_page(page):
    """The same page, at 360 px wide."""
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def log_in(page, live_server):
    """``log_in(user)``: the page is then logged in as `user` (session cookie)."""

    def _log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
        return user

    return _log_in


@pytest.fixture
def axe_check():
    """The same as ``assert_accessible``, as a fixture."""
    return assert_accessible


@pytest.fixture
def monde_pilotage():
    """The dashboards' fixed small territory (tests/mediation/monde_pilotage.py), built at
    the tests' frozen instant."""
    import time_machine

    from tests.clock import FROZEN_AT
    from tests.mediation.monde_pilotage import build_monde_pilotage

    with time_machine.travel(FROZEN_AT, tick=False):
        return build_monde_pilotage()
