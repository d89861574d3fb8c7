"""Exports of tables (XLSX, CSV) built from a builder a higher layer registers: answered at
once when small, else built by the task worker with progress shown, kept 24 hours, then
downloadable by their requester only.

A builder is an `ExportBuilder` registered with inclusion.registry.register_export(nature,
builder): `allowed(user)` says who may export, `clean(params)` keeps the parameters that mean
something (JSON, stored on ExportFichier.parametres), `build(user, parametres)` returns a
`Tableau` (it may raise ValidationError, e.g. code non_autorise). The socle writes the header
block (who, when, total, filters), then the columns and the rows, every cell through
inclusion.exports.cellule_sure. `Tableau.lignes` must be lazy (a generator over
`.iterator(chunk_size=…)`): counting is done by `Tableau.total`, and a queued export never
reads the rows in the request.

Failures are recorded on the row as a code (ERREURS); logs get the export's id, the code and
the exception's type and frames, never its message (it may quote a cell: a name, a note).
"""

import datetime
import io
import logging
import tempfile
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from inclusion import perms, registry
from inclusion.exports import DEBUTS_DE_FORMULE, cellule_sure, csv_writer
from inclusion.models import ExportFichier, StatutExport
from inclusion.services.journal import write_journal

logger = logging.getLogger(__name__)

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SEUIL_DIRECT = 2000  # rows: at most this many are written in the request itself
CONSERVATION = datetime.timedelta(hours=24)
PAS_PROGRESSION = 500  # rows between two progress updates
EXPORTS_EN_COURS_MAX = 3  # queued or running exports per person
DOSSIER = "exports"

ERREURS = {
    "nature_inconnue": "Cet export n'existe pas.",
    "non_autorise": "Vous ne pouvez plus faire cet export.",
    "erreur_interne": "Le fichier n'a pas pu être préparé. Réessayez dans quelques minutes.",
}


@dataclass(frozen=True)
class ExportBuilder:
    label: str  # what the export is, for people ("Activités")
    allowed: Callable  # (user) -> bool
    clean: Callable  # (params: QueryDict or dict) -> dict of JSON values
    build: Callable  # (user, parametres) -> Tableau
    retour_url_name: str = ""  # where the export was asked from (a list), if any


@dataclass
class Tableau:
    titre: str  # the sheet's name
    nom_fichier: str  # the download's name without extension (no personal data)
    colonnes: list
    total: int  # the number of rows (counted in SQL)
    lignes: Iterable  # lazy: lists of cell values, datetime.date for dates
    filtres: list = field(default_factory=list)  # (label, value)
    role_demandeur: str = ""


@dataclass(frozen=True)
class Reponse:
    """What request_export gives: a queued export, or the file itself (small exports)."""

    export: ExportFichier | None = None
    contenu: bytes = b""
    nom_fichier: str = ""
    content_type: str = ""


def _refuse(code, message=None):
    raise ValidationError(message or ERREURS[code], code=code)


def _builder(nature):
    builder = registry.export_builder(nature)
    if builder is None:
        _refuse("nature_inconnue")
    return builder


def label_of(nature):
    builder = registry.export_builder(nature)
    return builder.label if builder is not None else nature


# --- Writing a table ---------------------------------------------------------------------


def _header_block(tableau, demandeur, now):
    local = timezone.localtime(now)
    rows = [
        ["Informations export"],
        ["Nom", demandeur.last_name or "-"],
        ["Prénom", demandeur.first_name or "-"],
        ["Rôle", tableau.role_demandeur or "-"],
        ["Total", tableau.total],
        ["Date d’export", f"{local:%d/%m/%Y}"],
        ["Heure d’export", f"{local:%H:%M}"],
        [],
        ["Filtres"],
    ]
    rows += [[label, valeur] for label, valeur in tableau.filtres] or [["Aucun filtre", "-"]]
    return [*rows, []]


def _rows_with_progress(lignes, progress):
    n = 0
    for ligne in lignes:
        yield ligne
        n += 1
        if progress is not None and n % PAS_PROGRESSION == 0:
            progress(n)


def _write_csv(tableau, binary, demandeur, now, progress):
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="", write_through=False)
    text.write("\ufeff")  # French spreadsheets read UTF-8 only with the BOM
    writer = csv_writer(text)
    writer.writerows(_header_block(tableau, demandeur, now))
    writer.writerow(tableau.colonnes)
    n = 0
    for ligne in _rows_with_progress(tableau.lignes, progress):
        writer.writerow([f"{v:%d/%m/%Y}" if isinstance(v, datetime.date) else v for v in ligne])
        n += 1
    text.flush()
    text.detach()
    return n


def _xlsx_value(value):
    value = cellule_sure(value)
    if value == "":
        return None  # no cell at all: smaller file, faster
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters break the file
    return value


def _write_cell(ws, r, c, value, formats):
    """One cell, its type said explicitly: text stays text (never a formula, a URL or a
    number guessed from it), dates carry the French date format, multi-values wrap."""
    if type(value) is str:  # most cells: the checks of _xlsx_value, without its calls
        if not value:
            return
        if value.startswith(DEBUTS_DE_FORMULE) or ILLEGAL_CHARACTERS_RE.search(value):
            value = _xlsx_value(value)
        ws.write_string(r, c, value, formats["wrap"] if "\n" in value else None)
        return
    if isinstance(value, datetime.date):
        ws.write_datetime(r, c, value, formats["date"])
        return
    value = _xlsx_value(value)
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(r, c, value, formats["wrap"] if "\n" in value else None)
    else:
        ws.write_number(r, c, float(value))


def _write_xlsx(tableau, binary, demandeur, now, progress):
    # XlsxWriter in constant-memory mode: each row goes to a temporary file as it is written,
    # so memory does not grow with the rows (bench/export_activites.py: twice as fast as
    # openpyxl's write-only mode, whose writer alone missed the 30 s of 100,000 records).
    wb = xlsxwriter.Workbook(
        binary,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    try:
        ws = wb.add_worksheet(tableau.titre[:31])
        formats = {
            "date": wb.add_format({"num_format": "dd/mm/yyyy"}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "bold": wb.add_format({"bold": True}),
        }
        for index, titre in enumerate(tableau.colonnes):
            ws.set_column(index, index, min(max(len(titre), 12), 40))
        r = 0
        for row in _header_block(tableau, demandeur, now):
            for c, value in enumerate(row):
                if c == 0:
                    ws.write_string(r, 0, str(_xlsx_value(value) or ""), formats["bold"])
                else:
                    _write_cell(ws, r, c, value, formats)
            r += 1
        for c, titre in enumerate(tableau.colonnes):
            ws.write_string(r, c, _xlsx_value(titre) or "", formats["bold"])
        n = 0
        for ligne in _rows_with_progress(tableau.lignes, progress):
            r += 1
            for c, value in enumerate(ligne):
                _write_cell(ws, r, c, value, formats)
            n += 1
    finally:
        wb.close()  # also on failure: removes its temporary files
    return n


WRITERS = {"xlsx": _write_xlsx, "csv": _write_csv}


def write_tableau(tableau, format, binary, *, demandeur, now, progress=None):
    """Write `tableau` as `format` into the binary file `binary`; returns the rows written."""
    return WRITERS[format](tableau, binary, demandeur, now, progress)


def file_name(tableau, format, now):
    return f"{tableau.nom_fichier}_{timezone.localtime(now):%Y-%m-%d_%Hh%M}.{format}"


# --- Asking for an export ------------------------------------------------------------------


def request_export(*, acteur, nature, format, params):
    """Build the export `nature` for `acteur` with the request's `params`: at most
    SEUIL_DIRECT rows are written at once (Reponse.contenu); more are queued for the worker
    (Reponse.export, its task enqueued once the row is committed).

    Codes: nature_inconnue, format_inconnu, non_autorise, trop_d_exports (and the builder's)."""
    builder = _builder(nature)
    if format not in FORMATS:
        _refuse("format_inconnu", "Choisissez le format XLSX ou CSV.")
    if not perms.can_access_pro(acteur) or not builder.allowed(acteur):
        _refuse("non_autorise", "Vous ne pouvez pas faire cet export.")
    parametres = builder.clean(params)
    tableau = builder.build(acteur, parametres)
    now = timezone.now()
    if tableau.total <= SEUIL_DIRECT:
        buffer = io.BytesIO()
        lignes = write_tableau(tableau, format, buffer, demandeur=acteur, now=now)
        write_journal(
            acteur=acteur,
            action="export.direct",
            details={"nature": nature, "format": format, "lignes": lignes},
        )
        return Reponse(
            contenu=buffer.getvalue(),
            nom_fichier=file_name(tableau, format, now),
            content_type=FORMATS[format],
        )
    with transaction.atomic():
        en_cours = ExportFichier.objects.filter(
            demandeur=acteur, statut__in=(StatutExport.EN_ATTENTE, StatutExport.EN_COURS)
        )
        if en_cours.count() >= EXPORTS_EN_COURS_MAX:
            _refuse(
                "trop_d_exports",
                "Vous avez déjà des exports en préparation : attendez qu'ils soient prêts.",
            )
        export = ExportFichier.objects.create(
            demandeur=acteur,
            nature=nature,
            format=format,
            parametres=parametres,
            lignes_total=tableau.total,
            cree_le=now,
        )
        write_journal(
            acteur=acteur,
            action="export.demande",
            objet=export,
            details={"nature": nature, "format": format, "lignes": tableau.total},
        )
        transaction.on_commit(lambda: build_export_file.enqueue(export.pk))
    return Reponse(export=export)


# --- The worker's part ---------------------------------------------------------------------


@task()
def build_export_file(export_id):
    """Build one queued export (the worker runs it after the request's commit)."""
    run_export(export_id)


def _log_failure(export_id, code, exc):
    # The message may quote a cell (a name, a note): only the type and where it happened.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("export %s failed: %s (%s)\n%s", export_id, code, type(exc).__name__, frames)


def run_export(export_id):
    """en_attente → en_cours → pret (file stored, expire_le = +24 h) or echec (a code).
    Taken by a conditional UPDATE: a task enqueued twice builds the file once. Returns the
    final status, or None when the export was not waiting."""
    taken = ExportFichier.objects.filter(pk=export_id, statut=StatutExport.EN_ATTENTE).update(
        statut=StatutExport.EN_COURS, lignes_faites=0
    )
    if not taken:
        return None
    rows = ExportFichier.objects.filter(pk=export_id)
    export = rows.select_related("demandeur").get()
    try:
        builder = _builder(export.nature)
        user = export.demandeur
        if not user.is_active or not perms.can_access_pro(user) or not builder.allowed(user):
            _refuse("non_autorise")
        tableau = builder.build(user, export.parametres)
        rows.update(lignes_total=tableau.total)
        now = timezone.now()
        with tempfile.TemporaryFile() as tmp:
            lignes = write_tableau(
                tableau,
                export.format,
                tmp,
                demandeur=user,
                now=now,
                progress=lambda n: rows.update(lignes_faites=n),
            )
            tmp.seek(0)
            nom = default_storage.save(f"{DOSSIER}/{export.uuid}.{export.format}", File(tmp))
    except Exception as exc:  # any failure ends as a code on the row
        code = exc.code if isinstance(exc, ValidationError) and exc.code else "erreur_interne"
        _log_failure(export_id, code, exc)
        rows.update(statut=StatutExport.ECHEC, erreur_code=code[:60], termine_le=timezone.now())
        return StatutExport.ECHEC
    fini = timezone.now()
    rows.update(
        statut=StatutExport.PRET,
        fichier=nom,
        nom_fichier=file_name(tableau, export.format, now),
        lignes_faites=lignes,
        lignes_total=lignes,
        termine_le=fini,
        expire_le=fini + CONSERVATION,
    )
    logger.info("export %s ready: %s rows", export_id, lignes)
    return StatutExport.PRET


# --- Reading and purging -------------------------------------------------------------------


def exports_of(user):
    """The user's own exports, newest first (nobody sees anyone else's)."""
    return ExportFichier.objects.filter(demandeur=user)


def is_expired(export, now=None):
    now = now or timezone.now()
    if export.expire_le is not None:
        return export.expire_le <= now
    return export.cree_le <= now - CONSERVATION


def _expired(now):
    """Ready files past their 24 hours; exports that never became ready, 24 hours on."""
    return ExportFichier.objects.filter(
        Q(expire_le__lte=now) | Q(expire_le__isnull=True, cree_le__lte=now - CONSERVATION)
    )


def purge_expired(*, now=None, wet_run=False):
    """Delete the files and rows of expired exports. Dry run unless `wet_run`; returns
    {"exports": n, "fichiers": n}. Idempotent: a second pass finds nothing."""
    now = now or timezone.now()
    expired = _expired(now)
    counts = {"exports": expired.count(), "fichiers": expired.exclude(fichier="").count()}
    if not wet_run or not counts["exports"]:
        return counts
    for pk, nom in list(expired.values_list("pk", "fichier")):
        if nom:
            try:
                default_storage.delete(nom)
            except FileNotFoundError:  # another sweep got there first
                pass
        ExportFichier.objects.filter(pk=pk).delete()
    return counts
