"""Every table of the dashboards as CSV (`;`, UTF-8 with BOM) or XLSX, through the socle's
exports (inclusion.services.exports_fichiers): one export nature, "pilotage", the table chosen
by its `tableau` parameter (its stable key), with the page's filters. The viewer's scope
applies as on the page; a filter outside it is ignored, as on the page."""

import re

from django.core.exceptions import ValidationError

from inclusion import perms as socle
from inclusion.enums import Role
from inclusion.registry import register_export
from inclusion.services.exports_fichiers import ExportBuilder
from inclusion.services.exports_fichiers import Tableau as Fichier
from mediation.pilotage import affichage, presentation, tableau_de_bord
from mediation.pilotage.filtres import parse_filtres, portee_for
from mediation.pilotage.scope import filtres_in_scope

NATURE = "pilotage"
CLE = re.compile(r"[a-z0-9_]{1,60}")


def clean(params):
    """The table's key and the filters (the period always explicit: a queued export counts
    the same days as the page it was asked from)."""
    parametres = parse_filtres(params).query()
    cle = str(params.get("tableau", "") or "")
    if isinstance(params.get("tableau"), (list, tuple)):
        cle = str(params["tableau"][-1]) if params["tableau"] else ""
    if CLE.fullmatch(cle):
        parametres["tableau"] = cle
    return parametres


def _colonnes(tableau):
    if tableau.unite in ("%", "€"):
        unite = " (%)" if tableau.unite == "%" else " (€)"
        return [tableau.colonnes[0], *(f"{c}{unite}" for c in tableau.colonnes[1:])]
    return list(tableau.colonnes)


def _rows(tableau):
    for ligne in tableau.lignes:
        yield [ligne.libelle, *(affichage.export_value(v, tableau.unite) for v in ligne.valeurs)]


def build(user, parametres):
    portee = portee_for(user)
    filtres, form = filtres_in_scope(parametres, portee)
    section, tableau = tableau_de_bord.find_tableau(filtres, portee, parametres.get("tableau"))
    if tableau is None:
        raise ValidationError("Ce tableau n'existe pas (ou plus).", code="tableau_inconnu")
    return Fichier(
        titre=tableau.titre,
        nom_fichier=f"pilotage_{tableau.cle}",
        colonnes=_colonnes(tableau),
        total=len(tableau.lignes),
        lignes=_rows(tableau),
        filtres=[
            ("Période", presentation.periode(filtres)),
            ("Section", section.titre),
            *form.chosen_labels(),
        ],
        role_demandeur=(Role.COORDINATEUR.label if portee.territoire else Role(portee.role).label),
    )


register_export(
    NATURE,
    ExportBuilder(
        label="Tableau de bord (pilotage)",
        allowed=socle.can_access_pro,
        clean=clean,
        build=build,
        retour_url_name="pilotage:tableau_de_bord",
    ),
)
