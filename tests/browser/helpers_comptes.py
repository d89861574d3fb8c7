"""Helpers for the browser tests of the professionals' accounts: the test plays the phone's
authenticator app (TOTP codes from the secret key), and opens more browser contexts (other
browsers of the same person)."""

import base64
import contextlib
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.helpers import DESKTOP, log_in_with_form

STEP = 30  # seconds, django-otp's default


def key_from_page(page):
    """The secret key shown on the enrolment page (base 32 in groups of 4), as bytes."""
    texte = "".join(page.locator("code.cle-secrete").inner_text().split()).upper()
    return base64.b32decode(texte + "=" * (-len(texte) % 8))


def give_app(user):
    """A confirmed authenticator app for `user` (enrolled before the test); its key."""
    device = TOTPDevice.objects.create(user=user, name="application", confirmed=True)
    return device.bin_key


def fresh_code(key, user):
    """A 6-digit code the app would show now, that the server has not accepted yet.

    django-otp refuses a time step already used (and any before it), and accepts one step
    either side of "now + drift". Two sign-ins within the same 30 seconds then need the next
    step's code: a phone whose clock is a few seconds ahead would show it.
    """
    if time.time() % STEP > STEP - 2:  # the step is about to change: let it
        time.sleep(3)
    now = time.time()
    pas = int(now // STEP)
    device = TOTPDevice.objects.filter(user=user, confirmed__in=[True, False]).latest("pk")
    cible = max(pas + device.drift, device.last_t + 1)
    assert cible <= pas + device.drift + device.tolerance, "no fresh code before the next step"
    totp = TOTP(key, step=STEP, drift=cible - pas)
    totp.time = now
    return f"{totp.token():06d}"


def second_step(page, key, user):
    """Answer the second step of the sign-in with a fresh code of the app."""
    page.get_by_label("Code de l'application ou code de secours").fill(fresh_code(key, user))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()


def log_in_with_second_step(page, email, key, user, password):
    log_in_with_form(page, email, password=password)
    second_step(page, key, user)


@contextlib.contextmanager
def other_browser(browser, live_server):
    """Another browser of the same person: a new context, no cookies, desktop size."""
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="fr-FR", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        yield page
    finally:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)
