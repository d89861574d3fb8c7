"""Exports (issue 15) on a small phone: a long export's progress page (no JavaScript: it
reloads itself), the file ready, "Mes exports", and the page of an expired file. axe on every
screen; screenshots to $EXPORTS_SCREENSHOTS/b_*.png when set (to look at them)."""

import datetime
import os

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from inclusion.models import ExportFichier
from inclusion.services import exports_fichiers
from tests.browser.helpers import (
    PHONE,
    assert_no_horizontal_overflow,
    axe_violations,
    check_page,
    format_violations,
    log_in_with_form,
)
from tests.mediation.factories_activites import individuelle, setup_activites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("EXPORTS_SCREENSHOTS")


def check(page, name):
    check_page(page, f"b_{name}", SHOTS)


class _NotRun:
    def enqueue(self, pk):
        pass


def test_long_export_progress_ready_list_and_expired(page, live_server, monkeypatch):
    monkeypatch.setattr(exports_fichiers, "SEUIL_DIRECT", 1)
    ctx = setup_activites()
    for _ in range(3):
        individuelle(ctx)
    mediateur = ctx["mediateur"]
    with transaction.atomic():
        # Queued, not built yet: the task is enqueued on commit, stopped here.
        monkeypatch.setattr(exports_fichiers, "build_export_file", _NotRun())
        export = exports_fichiers.request_export(
            acteur=mediateur, nature="activites", format="xlsx", params={"portee": "miennes"}
        ).export
    page.set_viewport_size(PHONE)
    log_in_with_form(page, mediateur.email)

    # Followed right after asking: the page reloads itself. axe's meta-refresh rule is left
    # out here only: the person asked for it and a link stops it (WCAG 2.2.1, "turn off").
    page.goto(f"/pro/exports/{export.uuid}/?suivi=auto")
    expect(page.get_by_role("heading", level=1)).to_have_text("Export activités (XLSX)")
    expect(page.get_by_role("status").last).to_contain_text("En attente")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    expect(page.get_by_role("link", name="Arrêter la mise à jour automatique")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/b_export_en_attente.png", full_page=True)
    violations = [v for v in axe_violations(page) if v["id"] != "meta-refresh"]
    assert not violations, format_violations(violations)
    assert_no_horizontal_overflow(page)

    ExportFichier.objects.filter(pk=export.pk).update(statut="en_cours", lignes_faites=1)
    page.goto(f"/pro/exports/{export.uuid}/")
    expect(page.get_by_role("status").last).to_contain_text("1 ligne écrite sur 3 (33")
    expect(page.get_by_label("Avancement")).to_have_attribute("value", "33")
    check(page, "export_en_cours")

    ExportFichier.objects.filter(pk=export.pk).update(statut="en_attente")
    assert exports_fichiers.run_export(export.pk) == "pret"
    page.goto(f"/pro/exports/{export.uuid}/")
    expect(page.get_by_role("heading", name="Votre fichier est prêt")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier").click()
    assert download.value.suggested_filename.startswith("activites_")
    check(page, "export_pret")

    page.goto("/pro/exports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes exports")
    expect(page.get_by_role("link", name="Télécharger")).to_have_count(1)
    check(page, "mes_exports")

    ExportFichier.objects.filter(pk=export.pk).update(
        expire_le=timezone.now() - datetime.timedelta(minutes=1)
    )
    page.goto(f"/pro/exports/{export.uuid}/telecharger/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce fichier n'est plus disponible")
    check(page, "export_expire")
