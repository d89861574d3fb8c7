"""Issue 15: exports built by the worker — the task's lifecycle, progress, failures with a
code, the requester-only download, 24 hours then a clear page, and the purge."""

import datetime
import io
import logging

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from inclusion import registry
from inclusion.enums import Role
from inclusion.models import ExportFichier, Journal, StatutExport
from inclusion.services import exports_fichiers as services
from inclusion.services.exports_fichiers import ExportBuilder, Tableau
from tests.clock import FROZEN_AT
from tests.inclusion.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

SECRET = "Dupont-Secret"


def _builder(lignes, seen=None, total=None):
    def build(user, parametres):
        def rows():
            for i, ligne in enumerate(lignes(parametres)):
                if seen is not None and i == 1:
                    seen.append(ExportFichier.objects.values_list("statut", "lignes_faites").get())
                yield ligne

        return Tableau(
            titre="Essai",
            nom_fichier="essai",
            colonnes=["Nom", "Nombre"],
            total=total if total is not None else parametres.get("n", 0),
            lignes=rows(),
            filtres=[("Filtre", "valeur")],
            role_demandeur="Médiateur",
        )

    return ExportBuilder(
        label="Essai",
        allowed=lambda user: True,
        clean=lambda params: {"n": int(params.get("n", 0))},
        build=build,
    )


def _rows(parametres):
    for i in range(parametres["n"]):
        yield [f"{SECRET} {i}", i]


def _failing(parametres):
    yield ["premier", 1]
    raise ValueError(f"cellule illisible : {SECRET}")


@pytest.fixture
def essai(monkeypatch):
    """A builder of n rows registered as "essai"; exports go to the worker from 3 rows."""
    monkeypatch.setattr(services, "SEUIL_DIRECT", 2)
    monkeypatch.setattr(services, "PAS_PROGRESSION", 1)
    registry.register_export("essai", _builder(_rows))
    yield
    registry._export_builders.pop("essai", None)


@pytest.fixture
def mediateur():
    return member(Role.MEDIATEUR, first_name="Inès", last_name="Martin")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def ask(user, n=5, fmt="xlsx", capture=None):
    """Request an export through the service; the task runs on commit (immediate backend)."""
    with capture(execute=True):
        reponse = services.request_export(
            acteur=user, nature="essai", format=fmt, params={"n": str(n)}
        )
    if reponse.export is not None:
        reponse.export.refresh_from_db()
    return reponse


def test_lifecycle_waiting_running_ready(essai, mediateur, django_capture_on_commit_callbacks):
    seen = []
    registry.register_export("essai", _builder(_rows, seen))
    with django_capture_on_commit_callbacks() as callbacks:
        reponse = services.request_export(
            acteur=mediateur, nature="essai", format="xlsx", params={"n": "5"}
        )
    export = reponse.export
    assert export.statut == StatutExport.EN_ATTENTE
    assert export.lignes_total == 5
    assert export.parametres == {"n": 5}
    assert len(callbacks) == 1  # enqueued once committed, not before
    callbacks[0]()
    # While the rows were written, the row said en_cours and counted them.
    assert seen == [(StatutExport.EN_COURS, 1)]
    export.refresh_from_db()
    assert export.statut == StatutExport.PRET
    assert export.lignes_faites == export.lignes_total == 5
    assert export.termine_le == FROZEN_AT
    assert export.expire_le == FROZEN_AT + datetime.timedelta(hours=24)
    assert export.fichier.name == f"exports/{export.uuid}.xlsx"
    assert export.nom_fichier == "essai_2026-11-17_10h00.xlsx"
    with default_storage.open(export.fichier.name, "rb") as f:
        ws = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True).active
        rows = [[c for c in r if c is not None] for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["Informations export"]
    assert ["Total", 5] in rows
    assert ["Filtre", "valeur"] in rows
    assert rows[-6] == ["Nom", "Nombre"]
    assert rows[-1] == [f"{SECRET} 4", 4]
    # Run again (a task enqueued twice): nothing happens.
    assert services.run_export(export.pk) is None
    assert Journal.objects.filter(action="export.demande", objet_id=str(export.pk)).count() == 1


def test_small_exports_are_answered_at_once(essai, mediateur, django_capture_on_commit_callbacks):
    reponse = ask(mediateur, n=2, fmt="csv", capture=django_capture_on_commit_callbacks)
    assert reponse.export is None
    assert not ExportFichier.objects.exists()
    assert reponse.contenu.startswith("\ufeff".encode())
    assert reponse.content_type == "text/csv; charset=utf-8"
    assert Journal.objects.get(action="export.direct").details == {
        "nature": "essai",
        "format": "csv",
        "lignes": 2,
    }


def test_failure_is_a_code_without_personal_data_in_logs(
    essai, mediateur, django_capture_on_commit_callbacks, caplog
):
    registry.register_export("essai", _builder(_failing, total=3))
    with caplog.at_level(logging.INFO, logger="inclusion.services.exports_fichiers"):
        reponse = ask(mediateur, capture=django_capture_on_commit_callbacks)
    export = reponse.export
    assert export.statut == StatutExport.ECHEC
    assert export.erreur_code == "erreur_interne"
    assert export.fichier.name == ""
    assert "ValueError" in caplog.text
    assert SECRET not in caplog.text
    page = client_for(mediateur).get(reverse("exports:progression", args=[export.uuid]))
    assert "pas pu être préparé" in page.text
    assert "erreur_interne" in page.text


def test_failure_when_the_requester_lost_the_right(
    essai, mediateur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        export = services.request_export(
            acteur=mediateur, nature="essai", format="csv", params={"n": "4"}
        ).export
    mediateur.memberships.update(active=False)
    callbacks[0]()
    export.refresh_from_db()
    assert (export.statut, export.erreur_code) == (StatutExport.ECHEC, "non_autorise")


def test_refusals(essai, mediateur, django_capture_on_commit_callbacks):
    def code(**kwargs):
        with pytest.raises(ValidationError) as exc:
            services.request_export(
                **{"acteur": mediateur, "nature": "essai", "format": "xlsx", "params": {}, **kwargs}
            )
        return exc.value.code

    assert code(nature="inconnue") == "nature_inconnue"
    assert code(format="pdf") == "format_inconnu"
    assert code(acteur=member(Role.VOLONTAIRE)) == "non_autorise"
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(services.EXPORTS_EN_COURS_MAX):
            services.request_export(
                acteur=mediateur, nature="essai", format="xlsx", params={"n": "9"}
            )
    assert code(params={"n": "9"}) == "trop_d_exports"


def test_progress_page_refreshes_without_javascript_and_announces(
    essai, mediateur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(mediateur).post(
            reverse("exports:demander"), {"nature": "essai", "format": "xlsx", "n": "8"}
        )
    export = ExportFichier.objects.get()
    progression = reverse("exports:progression", args=[export.uuid])
    assert response.url == progression + "?suivi=auto"
    ExportFichier.objects.filter(pk=export.pk).update(statut=StatutExport.EN_COURS, lignes_faites=2)
    page = client_for(mediateur).get(response.url)
    assert '<meta http-equiv="refresh" content="5">' in page.text
    assert "Arrêter la mise à jour automatique" in page.text
    assert 'role="status"' in page.text
    assert '<progress id="avancement" max="100" value="25">' in page.text
    assert "2 lignes écrites sur 8 (25&nbsp;%)" in page.text
    # Opened again without asking to follow it (from "Mes exports"): it stays still.
    page = client_for(mediateur).get(progression)
    assert 'http-equiv="refresh"' not in page.text
    assert f"{progression}?suivi=auto" in page.text


def test_download_by_the_requester_only(essai, mediateur, django_capture_on_commit_callbacks):
    export = ask(mediateur, capture=django_capture_on_commit_callbacks).export
    url = reverse("exports:telecharger", args=[export.uuid])
    response = client_for(mediateur).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="essai_2026-11-17_10h00.xlsx"'
    assert b"".join(response.streaming_content).startswith(b"PK")  # a zip: XLSX
    page = client_for(mediateur).get(reverse("exports:progression", args=[export.uuid]))
    assert "Votre fichier est prêt" in page.text
    assert 'http-equiv="refresh"' not in page.text
    liste = client_for(mediateur).get(reverse("exports:liste"))
    assert url in liste.text
    # A colleague of the same structure, a coordinator: 404, and the list does not show it.
    for other in (member(Role.MEDIATEUR), member(Role.COORDINATEUR)):
        assert client_for(other).get(url).status_code == 404
        progression = reverse("exports:progression", args=[export.uuid])
        assert client_for(other).get(progression).status_code == 404
        assert url not in client_for(other).get(reverse("exports:liste")).text
    assert Client().get(url).status_code == 302  # to sign in


def test_not_ready_download_goes_to_the_progress_page(
    essai, mediateur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        export = services.request_export(
            acteur=mediateur, nature="essai", format="csv", params={"n": "4"}
        ).export
    response = client_for(mediateur).get(reverse("exports:telecharger", args=[export.uuid]))
    assert response.url == reverse("exports:progression", args=[export.uuid])


def test_expired_after_24_hours_is_a_clear_page(
    essai, mediateur, django_capture_on_commit_callbacks
):
    export = ask(mediateur, capture=django_capture_on_commit_callbacks).export
    url = reverse("exports:telecharger", args=[export.uuid])
    with time_machine.travel(FROZEN_AT + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert client_for(mediateur).get(url).status_code == 200
    with time_machine.travel(FROZEN_AT + datetime.timedelta(hours=24), tick=False):
        response = client_for(mediateur).get(url)
        assert response.status_code == 410
        assert "plus disponible" in response.text
        assert client_for(member(Role.MEDIATEUR)).get(url).status_code == 404


def test_purge_dry_run_then_wet_run_then_nothing(
    essai, mediateur, django_capture_on_commit_callbacks
):
    pret = ask(mediateur, capture=django_capture_on_commit_callbacks).export
    with django_capture_on_commit_callbacks(execute=False):
        bloque = services.request_export(
            acteur=mediateur, nature="essai", format="csv", params={"n": "4"}
        ).export
    later = FROZEN_AT + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        recent = ask(mediateur, capture=django_capture_on_commit_callbacks).export

    def purge(*args):
        out = io.StringIO()
        call_command("purge_exports", *args, stdout=out)
        return out.getvalue().strip()

    with time_machine.travel(FROZEN_AT + datetime.timedelta(hours=24, minutes=1), tick=False):
        assert purge() == "Simulation : exports effacés : 2, fichiers effacés : 1."
        assert ExportFichier.objects.count() == 3
        assert default_storage.exists(pret.fichier.name)
        assert purge("--wet-run") == "exports effacés : 2, fichiers effacés : 1."
        assert list(ExportFichier.objects.all()) == [recent]
        assert not default_storage.exists(pret.fichier.name)
        assert default_storage.exists(recent.fichier.name)
        assert purge("--wet-run") == "exports effacés : 0, fichiers effacés : 0."
    assert not ExportFichier.objects.filter(pk=bloque.pk).exists()


def test_the_periodic_sweep_purges_expired_exports(
    essai, mediateur, django_capture_on_commit_callbacks
):
    export = ask(mediateur, capture=django_capture_on_commit_callbacks).export
    with time_machine.travel(FROZEN_AT + datetime.timedelta(hours=25), tick=False):
        out = io.StringIO()
        call_command("send_due_emails", stdout=out)
        assert "exports effacés: 1" in out.getvalue()
    assert not ExportFichier.objects.filter(pk=export.pk).exists()
    assert not default_storage.exists(export.fichier.name)


def test_xlsx_cells_keep_their_type():
    """Text stays text (a phone number, a web address, a formula-like text never become a
    number, a link or a formula), dates carry the French format, multi-values wrap, numbers
    stay numbers."""
    lignes = [
        [
            "06 12 34 56 78",
            "0033",
            "http://exemple.org",
            "=1+1",
            datetime.date(2026, 11, 17),
            "email\nbureautique",
            42,
            None,
        ]
    ]
    tableau = Tableau(
        titre="Types",
        nom_fichier="types",
        colonnes=list("ABCDEFGH"),
        total=1,
        lignes=iter(lignes),
        filtres=[],
        role_demandeur="Médiateur",
    )
    binary = io.BytesIO()
    demandeur = member(Role.MEDIATEUR)
    assert services.write_tableau(tableau, "xlsx", binary, demandeur=demandeur, now=FROZEN_AT) == 1
    ws = openpyxl.load_workbook(io.BytesIO(binary.getvalue())).active
    last = list(ws.iter_rows())[-1]
    values = [c.value for c in last]
    assert values[:4] == ["06 12 34 56 78", "0033", "http://exemple.org", "'=1+1"]
    assert all(c.data_type == "s" for c in last[:4])
    assert last[2].hyperlink is None
    assert values[4] == datetime.datetime(2026, 11, 17)
    assert last[4].number_format == "dd/mm/yyyy"
    assert values[5] == "email\nbureautique" and last[5].alignment.wrap_text
    assert values[6] == 42 and last[6].data_type == "n"
    assert len(values) == 7 or values[7] is None
    header = [c.value for c in list(ws.iter_rows())[0]]
    assert header[0] == "Informations export"
