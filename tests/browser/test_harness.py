"""The harness itself: axe really runs, and really fails on a violation."""

import pytest

from tests.browser.helpers import axe_violations, format_violations

pytestmark = [pytest.mark.browser]


def test_axe_reports_violations(browser):
    page = browser.new_page()
    try:
        page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
        violations = axe_violations(page)
    finally:
        page.close()
    ids = {v["id"] for v in violations}
    assert {"html-has-lang", "image-alt", "label"} <= ids
    report = format_violations(violations)
    assert "image-alt (critical)" in report
    assert "img" in report
