"""Importing people from a file: a preview first (one line per row), written only when confirmed.

Two shapes are read, as CSV (`;`, `,` or tab; UTF-8 with or without BOM, or Windows-1252 as
French spreadsheets save it) or XLSX (openpyxl, read-only):

- the simple CSV of people: prénom, nom, téléphone, e-mail, année de naissance, genre,
  tranche d'âge, statut, commune (code INSEE, or name and postal code), notes;
- La Coop de la médiation numérique's beneficiaries export ("Mes bénéficiaires" → Exporter,
  `buildBeneficiairesWorksheet.ts`): a block of export information, a "Filtres" block, then a
  table headed Nom · Prénom · Année de naissance · Nom de la commune · Code INSEE · Code postal
  · N° de téléphone · E-mail · Genre · Tranche d’âge · Statut · Nombre d’accompagnements ·
  Notes supplémentaires, with "-" for an empty cell and labels (not keys) for the vocabularies
  ("Femme", "60 - 69 ans", "Retraité(e)", "Non communiqué ou hétérogène"). La Coop's own
  import model has the first ten of these columns. So the header row is searched for (the
  first row naming "prénom" and another known column), and headers are compared without
  case, accents or punctuation.

Each row is checked with the rules of a file's creation (the same form, BeneficiaireForm, then
create_beneficiaire at confirmation), and matched by find_duplicates' rule (services.doublons:
same phone and first name, or same first name, name and birth year, small typos tolerated),
against the files the user may see only: another structure's file is never revealed, the row
is then simply "à créer". A person twice in the file is created once. SMS
consent is never imported: it is asked of the person. Importing the same file twice creates
nothing the second time.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from inclusion.enums import Genre, Statut, TrancheAge
from inclusion.forms import BeneficiaireForm
from inclusion.models import Beneficiaire, Commune, Structure
from inclusion.services.beneficiaires import create_beneficiaire
from inclusion.services.doublons import FICHE_FIELDS, Fiche, motifs
from inclusion.services.import_personnes_lecture import (  # noqa: F401 (read_file: the API)
    FORMAT_COOP,
    FORMAT_SIMPLE,
    GENRES,
    MAX_LIGNES,
    MAX_OCTETS,
    STATUTS,
    TRANCHES,
    TRANCHES_AMBIGUES,
    fold,
    read_file,
)
from inclusion.services.journal import write_journal

CREER, RETROUVE, ERREUR = "creer", "retrouve", "erreur"


# --- Checking each row ----------------------------------------------------------------


@dataclass
class Ligne:
    """One line of the preview (and of the confirmation's report)."""

    numero: int
    prenom: str
    nom: str
    issue: str = CREER
    erreurs: list = field(default_factory=list)
    remarques: list = field(default_factory=list)
    existant: object = None  # the visible file it matches
    meme_que: int | None = None  # an earlier row of the file for the same person
    donnees: dict = field(default_factory=dict)  # create_beneficiaire's keyword arguments


def _choice(table, valeur, libelle, enum, erreurs):
    if not valeur:
        return ""
    cle = table.get(fold(valeur))
    if cle is None:
        possibles = ", ".join(str(c.label) for c in enum)
        erreurs.append(f"{libelle} inconnu(e) : « {valeur} ». Valeurs possibles : {possibles}.")
        return ""
    return cle


def _communes():
    """The territory's communes, once: by INSEE code, and by folded name."""
    par_code, par_nom = {}, {}
    for commune in Commune.objects.only("pk", "nom", "code_insee", "codes_postaux"):
        par_code[commune.code_insee] = commune
        par_nom.setdefault(fold(commune.nom), []).append(commune)
    return par_code, par_nom


def _commune(valeurs, communes, ligne):
    par_code, par_nom = communes
    code = valeurs.get("commune_insee", "")
    nom = valeurs.get("commune_nom", "")
    cp = valeurs.get("code_postal", "")
    if code.isdigit() and len(code) == 4:  # a spreadsheet dropped the leading zero
        code = "0" + code
    if cp.isdigit() and len(cp) == 4:
        cp = "0" + cp
    if code:
        commune = par_code.get(code.upper())
    else:
        candidates = par_nom.get(fold(nom), []) if nom else []
        if cp:
            candidates = [c for c in candidates if cp in c.liste_codes_postaux]
        commune = candidates[0] if len(candidates) == 1 else None
    if commune is None and (code or nom):
        decrite = ", ".join(p for p in (nom, cp, f"code INSEE {code}" if code else "") if p)
        ligne.remarques.append(
            f"Commune absente du territoire ({decrite}) : dossier créé sans commune."
        )
    return commune


def _form_data(valeurs, erreurs):
    tranche = valeurs.get("tranche_age", "")
    if fold(tranche) in TRANCHES_AMBIGUES:
        tranche = ""
    else:
        tranche = _choice(TRANCHES, tranche, "Tranche d'âge", TrancheAge, erreurs)
    telephone = valeurs.get("telephone", "")
    if telephone.isdigit() and len(telephone) == 9:  # a spreadsheet dropped the leading zero
        telephone = "0" + telephone
    return {
        "prenom": valeurs.get("prenom", ""),
        "nom": valeurs.get("nom", ""),
        "telephone": telephone,
        "sans_telephone": "" if telephone else "on",
        "courriel": valeurs.get("courriel", ""),
        "annee_naissance": valeurs.get("annee_naissance", ""),
        "tranche_age": tranche,
        "genre": _choice(GENRES, valeurs.get("genre"), "Genre", Genre, erreurs)
        or Genre.NON_COMMUNIQUE,
        "statut": _choice(STATUTS, valeurs.get("statut"), "Statut", Statut, erreurs)
        or Statut.NON_COMMUNIQUE,
        "notes": valeurs.get("notes", ""),
    }


def _check_row(numero, valeurs, communes):
    """The row through the creation form's rules (BeneficiaireForm: the same checks and
    messages as "Inscrire une personne"). No query: the commune is looked up in `communes`."""
    ligne = Ligne(numero=numero, prenom=valeurs.get("prenom", ""), nom=valeurs.get("nom", ""))
    form = BeneficiaireForm(data=_form_data(valeurs, ligne.erreurs))
    if not form.is_valid():
        for nom_champ, messages in form.errors.items():
            libelle = form.fields[nom_champ].label if nom_champ in form.fields else ""
            ligne.erreurs += [f"{libelle} : {m}" if libelle else m for m in messages]
    if ligne.erreurs:
        ligne.issue = ERREUR
        return ligne
    ligne.donnees = form.service_kwargs()
    ligne.donnees["commune"] = _commune(valeurs, communes, ligne)
    ligne.donnees.pop("quartier", None)
    ligne.donnees["consentement_sms"] = False  # never imported: asked of the person
    ligne.donnees["consentement_sms_mode"] = ""
    return ligne


def _fiche(ligne):
    d = ligne.donnees
    return Fiche.of(
        ligne.numero,
        d["prenom"],
        d.get("nom", ""),
        d.get("telephone", ""),
        d.get("annee_naissance"),
    )


def _unrecognisable(fiche):
    """Neither a phone nor a name with a birth year: services.doublons' rule cannot tell
    who this is, so the import matches the same first name and name (folded), else importing
    such a row twice would create the person twice."""
    return not fiche.telephone and not (fiche.annee_naissance and fiche.nom)


def _grouped(fiches):
    """Fiches by phone, by birth year (with a name) and by first name and name: the only ones
    services.doublons' rule (or, for a row it cannot tell, the names) can pair."""
    groupes = (defaultdict(list), defaultdict(list), defaultdict(list))
    for f in fiches:
        _add(groupes, f)
    return groupes


def _add(groupes, f):
    par_tel, par_annee, par_nom = groupes
    if f.telephone:
        par_tel[f.telephone].append(f)
    if f.annee_naissance and f.nom:
        par_annee[f.annee_naissance].append(f)
    par_nom[(f.prenom, f.nom)].append(f)


def _first_match(fiche, groupes):
    par_tel, par_annee, par_nom = groupes
    if _unrecognisable(fiche):
        meme_nom = par_nom.get((fiche.prenom, fiche.nom), [])
        return meme_nom[0].pk if meme_nom else None
    candidates = par_tel.get(fiche.telephone, []) if fiche.telephone else []
    if fiche.annee_naissance and fiche.nom:
        candidates = candidates + par_annee.get(fiche.annee_naissance, [])
    return next((c.pk for c in candidates if motifs(fiche, c)), None)


def _variants(textes):
    return {v for t in textes for v in (t, t.lower(), t.upper(), t.title())}


def _matches(user, lignes, fiches):
    """{row number: pk of the first visible file that is likely the same person}: the rule of
    find_duplicates (services.doublons.motifs), for all the rows in one query."""
    conditions = Q(telephone__in={f.telephone for f in fiches if f.telephone})
    conditions |= Q(annee_naissance__in={f.annee_naissance for f in fiches if f.nom})
    sans = [ligne.donnees for ligne, f in zip(lignes, fiches, strict=True) if _unrecognisable(f)]
    if sans:
        conditions |= Q(
            prenom__in=_variants(d["prenom"] for d in sans),
            nom__in=_variants(d.get("nom", "") for d in sans),
        )
    rows = (
        Beneficiaire.objects.for_user(user)
        .filter(conditions)
        .order_by("pk")
        .values_list(*FICHE_FIELDS)
    )
    groupes = _grouped(Fiche.of(*row) for row in rows)
    trouves = {}
    for fiche in fiches:
        pk = _first_match(fiche, groupes)
        if pk is not None:
            trouves[fiche.pk] = pk
    return trouves


def analyse(*, user, lignes):
    """The preview: one Ligne per row (CREER, RETROUVE or ERREUR). Reads only, in a number of
    queries that does not depend on the number of rows."""
    communes = _communes()
    resultat = [_check_row(numero, valeurs, communes) for numero, valeurs in lignes]
    valides = [ligne for ligne in resultat if ligne.issue != ERREUR]
    fiches = [_fiche(ligne) for ligne in valides]
    trouves = _matches(user, valides, fiches) if fiches else {}
    existants = Beneficiaire.objects.for_user(user).in_bulk(set(trouves.values()))
    # A person twice in the file: the later rows are matched to the first one.
    deja = _grouped([])
    for ligne, fiche in zip(valides, fiches, strict=True):
        if ligne.numero in trouves:
            ligne.issue, ligne.existant = RETROUVE, existants.get(trouves[ligne.numero])
            continue
        premier = _first_match(fiche, deja)
        if premier is not None:
            ligne.issue, ligne.meme_que = RETROUVE, premier
            continue
        _add(deja, fiche)
    return resultat


def count(resultat):
    comptes = {CREER: 0, RETROUVE: 0, ERREUR: 0}
    for ligne in resultat:
        comptes[ligne.issue] += 1
    return comptes


def import_rows(*, acteur, structure, lignes, format_=FORMAT_SIMPLE):
    """Write what the preview announced, checked again (the world may have changed since),
    in one transaction through create_beneficiaire. Returns the lines and their counts; the
    journal keeps the counts only."""
    with transaction.atomic():
        # Two confirmations of one file for one structure run one after the other.
        Structure.objects.select_for_update().filter(pk=structure.pk).first()
        resultat = analyse(user=acteur, lignes=lignes)
        for ligne in resultat:
            if ligne.issue != CREER:
                continue
            try:
                with transaction.atomic():
                    ligne.existant = create_beneficiaire(
                        acteur=acteur, structure=structure, **ligne.donnees
                    )
            except ValidationError as erreur:
                ligne.issue = ERREUR
                ligne.erreurs = list(erreur.messages)
        comptes = count(resultat)
        write_journal(
            acteur=acteur,
            action="beneficiaire.import",
            objet=structure,
            structure=structure,
            details={
                "format": format_,
                "lignes": len(resultat),
                "crees": comptes[CREER],
                "retrouves": comptes[RETROUVE],
                "erreurs": comptes[ERREUR],
            },
        )
    return resultat, comptes
