"""Helpers for browser tests: axe-core checks, layout checks, logging in through the form."""

from pathlib import Path

import pytest

PASSWORD = "mot-de-passe-test-123"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}  # an old, small Android phone

# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def log_in_with_form(page, email, password=PASSWORD):
    """Fill in and send the espace pro login form, as a person would."""
    page.goto("/pro/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            lines.append(f"    · {target}\n      {summary}")
    return "\n".join(lines)


def axe_violations(page, context=None):
    """Run axe-core (WCAG 2.0/2.1 A and AA + best practices) and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations"],
    }
    results = Axe().run(page, context=context, options=options)
    return results.response["violations"]


def assert_accessible(page, context=None):
    """Fail, listing every violation (id, impact, help, nodes), if axe finds any."""
    violations = axe_violations(page, context=context)
    if violations:
        pytest.fail(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations),
            pytrace=False,
        )


def assert_no_horizontal_overflow(page):
    """Nothing sticks out on the right: no sideways scrolling of the page on a small phone.

    Content inside a box that scrolls on its own (a wide table) is allowed.
    """
    overflow = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const scrolls = (el) => ['auto', 'scroll', 'hidden', 'clip']
            .includes(getComputedStyle(el).overflowX);
          const insideScroller = (el) => {
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
              if (scrolls(a)) return true;
            }
            return false;
          };
          const culprits = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 1 && !insideScroller(el)) {
              const cls = typeof el.className === 'string' && el.className.trim()
                ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
              culprits.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}`
                + ` (right edge at ${Math.round(r.right)} px)`);
            }
          }
          return {scroll: document.documentElement.scrollWidth, width, culprits};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"], (
        f"{page.url} scrolls sideways at {overflow['width']} px "
        f"(content is {overflow['scroll']} px wide): " + ", ".join(overflow["culprits"][:10])
    )


def check_page(page, name, shots=None):
    """A screenshot into the folder `shots` when set (…_SCREENSHOTS variables), then axe with
    0 violations and no sideways scrolling."""
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)
    assert_accessible(page)
    assert_no_horizontal_overflow(page)


def press(page, locator, key="Space"):
    """Operate a control from the keyboard: focus it, press a key, wait for the page."""
    locator.focus()
    page.keyboard.press(key)
    page.wait_for_load_state()
