"""Reading an import file of people (CSV or XLSX) and the vocabularies of its cells.

The shapes it reads and why are described in inclusion.services.import_personnes.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from inclusion.enums import Genre, Statut, TrancheAge

MAX_OCTETS = 2 * 1024 * 1024
# Confirmation writes every row in the request, in one transaction: 500 rows stay well
# under the web server's timeout (about 40 ms a new file on a loaded machine).
MAX_LIGNES = 500
MAX_COLONNES = 40
FORMAT_COOP = "coop"
FORMAT_SIMPLE = "simple"


def fold(texte):
    """Lowercase, no accents, words separated by one space ("Tranche d’âge" → "tranche d age")."""
    texte = unicodedata.normalize("NFKD", str(texte or ""))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", texte).split())


COLONNES = {
    "prenom": ["prenom", "prenoms", "first name"],
    "nom": ["nom", "nom de famille", "nom d usage"],
    "telephone": ["telephone", "n de telephone", "numero de telephone", "tel", "portable"],
    "courriel": ["e mail", "email", "courriel", "adresse e mail", "mail"],
    "annee_naissance": ["annee de naissance", "naissance"],
    "genre": ["genre", "sexe"],
    "tranche_age": ["tranche d age", "tranche age"],
    "statut": ["statut", "statut social", "statut du beneficiaire"],
    "commune_insee": ["code insee", "insee", "code commune"],
    "commune_nom": ["commune", "nom de la commune", "ville"],
    "code_postal": ["code postal", "cp"],
    "notes": ["notes", "notes supplementaires"],
}
EN_TETES = {alias: cle for cle, alias_ in COLONNES.items() for alias in alias_}
# Columns only La Coop's export has.
MARQUES_COOP = {"nombre d accompagnements", "notes supplementaires", "n de telephone"}


def _vocabulaire(enum, **alias):
    table = {}
    for choix in enum:
        for mot in (choix.value, choix.label, choix.name):
            table[fold(mot)] = choix.value
    for cle, mots in alias.items():
        for mot in mots:
            table[fold(mot)] = cle
    return table


# Our keys are La Coop's; its export writes labels, and its enum names in some files.
GENRES = _vocabulaire(
    Genre,
    masculin=["homme", "h", "m", "masculin"],
    feminin=["femme", "f", "feminin"],
    non_communique=["nc", "noncommunique", "non communique"],
)
TRANCHES = _vocabulaire(
    TrancheAge,
    moins_de_douze=["moins de 12 ans", "moinsdedouze"],
    douze_dix_huit=["12 17 ans", "douzedixhuit"],
    dix_huit_vingt_quatre=["18 24 ans", "dixhuitvingtquatre"],
    vingt_cinq_trente_neuf=["25 39 ans", "vingtcinqtrenteneuf"],
    quarante_cinquante_neuf=["40 59 ans", "quarantecinquanteneuf"],
    soixante_soixante_neuf=["60 69 ans", "soixantesoixanteneuf"],
    soixante_dix_plus=["70 ans ou plus", "70 ans et plus", "soixantedixplus"],
    non_communique=["noncommunique"],
)
# La Coop's older "Mineur(e)" band spans two of ours: the birth year decides, if any.
TRANCHES_AMBIGUES = {"mineur e", "mineur", "mineure", "mineurs"}
STATUTS = _vocabulaire(
    Statut,
    scolarise=["scolarise e"],
    retraite=["retraite e"],
    sans_emploi=["sansemploi"],
    en_emploi=["enemploi"],
    non_communique=["non communique ou heterogene", "noncommunique"],
)


@dataclass
class Fichier:
    format: str
    lignes: list  # [(row number as the spreadsheet shows it, {column key: text})]
    colonnes: list = field(default_factory=list)  # column keys found


def _refus(message, code):
    return ValidationError(message, code=code)


def _texte(valeur):
    """A cell as text: numbers without ".0", La Coop's "-" as empty."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    texte = str(valeur).strip()
    return "" if texte == "-" else texte


def _decode(contenu):
    if contenu.startswith(b"\xef\xbb\xbf"):
        return contenu[3:].decode("utf-8")
    try:
        return contenu.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252")
    except UnicodeDecodeError:
        raise _refus(
            "Les lettres de ce fichier sont illisibles. Enregistrez-le en « CSV UTF-8 » "
            "depuis votre tableur, puis déposez-le à nouveau.",
            "encodage",
        ) from None


def _rows_csv(contenu):
    texte = _decode(contenu)
    premiere = texte.split("\n", 1)[0]
    separateur = max(";,\t", key=premiere.count)
    try:
        for row in csv.reader(io.StringIO(texte, newline=""), delimiter=separateur):
            yield row[:MAX_COLONNES]
    except csv.Error:
        raise _refus(
            "Ce fichier CSV est mal formé (guillemets ou cellule trop longue).", "csv"
        ) from None


def _rows_xlsx(contenu):
    from openpyxl import load_workbook

    try:
        # Formulas are read as their text (data_only=False): kept as data, never evaluated.
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _refus(
            "Ce classeur Excel est illisible. Ouvrez-le et enregistrez-le à nouveau en .xlsx "
            "ou en CSV.",
            "xlsx",
        ) from None
    try:
        noms = {fold(n): n for n in classeur.sheetnames}
        feuille = classeur[noms.get("beneficiaires", classeur.sheetnames[0])]
        for row in feuille.iter_rows(max_col=MAX_COLONNES, values_only=True):
            yield list(row)
    finally:
        classeur.close()


def _header(row):
    return [EN_TETES.get(fold(cellule)) for cellule in row]


def read_file(contenu, nom_fichier=""):
    """The rows of an uploaded file, or a ValidationError in French (code: vide, format,
    encodage, csv, xlsx, colonne_prenom, trop_de_lignes)."""
    if not contenu or not contenu.strip():
        raise _refus("Le fichier est vide.", "vide")
    if len(contenu) > MAX_OCTETS:
        raise _refus("Le fichier dépasse 2 Mo. Coupez-le en plusieurs fichiers.", "taille")
    if contenu.startswith(b"PK\x03\x04"):
        rows = _rows_xlsx(contenu)
    elif contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refus(
            "Ce fichier est au format Excel ancien (.xls). Enregistrez-le en .xlsx ou en CSV.",
            "format",
        )
    elif b"\x00" in contenu[:4096]:
        raise _refus(
            "Ce fichier n'est ni un CSV ni un classeur Excel (.xlsx). Déposez un de ces deux "
            "formats.",
            "format",
        )
    else:
        rows = _rows_csv(contenu)
    return _read_rows(rows)


def _read_rows(rows):
    cles, en_tete, premiere, lignes = None, [], None, []
    for numero, row in enumerate(rows, start=1):
        cellules = [_texte(v) for v in row]
        if not any(cellules):
            if numero > MAX_LIGNES * 10:  # a sheet of endless empty rows
                break
            continue
        if cles is None:
            premiere = premiere or cellules
            trouve = _header(cellules)
            # The header: the first row naming "prénom" and another column (skips La Coop's
            # export information, where "Prénom" stands beside the exporter's first name).
            if "prenom" in trouve and sum(1 for c in trouve if c) >= 2:
                cles, en_tete = trouve, [fold(c) for c in cellules]
            elif numero >= 30:
                break
            continue
        if len(lignes) >= MAX_LIGNES:
            raise _refus(
                f"Le fichier compte plus de {MAX_LIGNES:,} personnes. Coupez-le en plusieurs "
                "fichiers.".replace(",", "\u202f"),
                "trop_de_lignes",
            )
        valeurs = {}
        for cle, valeur in zip(cles, cellules, strict=False):
            if cle and valeur and not valeurs.get(cle):
                valeurs[cle] = valeur
        lignes.append((numero, valeurs))
    if cles is None:
        vues = ", ".join(f"« {c} »" for c in (premiere or [])[:12] if c)
        raise _refus(
            "La colonne « prénom » est introuvable. La première ligne du fichier doit nommer "
            f"les colonnes (prénom, nom, téléphone…). Colonnes lues : {vues or 'aucune'}.",
            "colonne_prenom",
        )
    if not lignes:
        raise _refus("Le fichier ne contient aucune personne sous la ligne des titres.", "vide")
    format_ = FORMAT_COOP if MARQUES_COOP & set(en_tete) else FORMAT_SIMPLE
    return Fichier(format=format_, lignes=lignes, colonnes=sorted({c for c in cles if c}))
