"""A lieu as a row of the national places standard (LaMednum v1.0.2), columns in its order.

The open-data export (mediation layer) writes these rows as CSV or JSON.
"""

from django.conf import settings

SCHEMA_PATH = settings.BASE_DIR / "fixtures" / "standard-mediation-num" / "schema.json"

COLUMNS = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
]

MULTI = {
    "typologie",
    "itinerance",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
}


def _text(value):
    return "" if value is None else str(value)


def lieu_to_row(lieu):
    """Ordered dict of the standard's 32 columns; multi-valued fields joined with "|"."""
    row = {}
    for column in COLUMNS:
        if column == "id":
            value = f"lieu-{lieu.uuid}"
        elif column == "pivot":
            value = lieu.pivot_effectif
        elif column == "commune":
            value = lieu.commune.nom
        elif column == "code_insee":
            value = lieu.commune.code_insee
        elif column == "telephone":
            value = lieu.telephone.as_e164 if lieu.telephone else ""
        elif column == "structure_parente":
            value = lieu.structure_parente or lieu.structure.nom
        elif column == "date_maj":
            value = lieu.date_maj.isoformat() if lieu.date_maj else ""
        elif column in MULTI:
            value = "|".join(getattr(lieu, column) or [])
        else:
            value = getattr(lieu, column)
        row[column] = _text(value)
    return row
