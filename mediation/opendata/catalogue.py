"""The catalogue of the territory's datasets: what the /opendata/ page shows, and what a
national portal (data.gouv.fr) harvests. Each dataset says what it holds, its licence, how
often it changes, when it last changed (computed from its rows) and its formats at stable
URLs (their names in mediation/urls_opendata.py never change)."""

from dataclasses import dataclass

from mediation.opendata import ateliers, data_inclusion, lieux

LICENCE = "Licence Ouverte / Etalab 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"


@dataclass(frozen=True)
class Format:
    libelle: str  # "CSV"
    url_name: str  # "opendata:lieux_csv"
    media_type: str
    fichier: str  # the file name a download gets
    max_age: int  # seconds a cache may keep it


# How often each dataset changes, in the words of the EU frequency vocabulary (DCAT).
CONTINU = "http://publications.europa.eu/resource/authority/frequency/CONT"


@dataclass(frozen=True)
class JeuDeDonnees:
    slug: str
    titre: str
    resume: str  # one plain sentence
    details: tuple  # short paragraphs for the data audience
    frequence: str
    formats: tuple
    derniere_maj: object  # callable → date or None
    schema: str = ""  # URL of the schema the files follow


LIEUX = JeuDeDonnees(
    slug="lieux",
    titre="Lieux d'aide au numérique",
    resume="Les lieux où l'on peut se faire aider avec le numérique : adresse, horaires, "
    "services, contact.",
    details=(
        "Un lieu par ligne, au standard national des lieux de médiation numérique, "
        "version 1.0.2 (LaMednum). Toutes les colonnes du standard, dans son ordre. "
        "Les listes de valeurs sont séparées par « | ».",
        "CSV en UTF-8, séparateur virgule. Le JSON donne les mêmes champs, les coordonnées "
        "en nombres et les champs vides à null.",
    ),
    frequence="À chaque changement : le fichier est produit à la demande.",
    formats=(
        Format("CSV", "opendata:lieux_csv", "text/csv", "lieux-mediation-numerique.csv", 3600),
        Format(
            "JSON",
            "opendata:lieux_json",
            "application/json",
            "lieux-mediation-numerique.json",
            3600,
        ),
    ),
    derniere_maj=lieux.derniere_maj,
    schema="https://schema.data.gouv.fr/LaMednum/standard-mediation-num/",
)

DATA_INCLUSION = JeuDeDonnees(
    slug="data-inclusion",
    titre="Offre de services (data·inclusion)",
    resume="Les lieux et ce qu'on y trouve : ateliers par thème et aide individuelle, pour "
    "les professionnels qui orientent.",
    details=(
        "Au schéma data·inclusion version 1 : une « structure » par lieu, un service "
        "« atelier » par thème d'atelier et par lieu (quand une séance est prévue), avec le "
        "lien pour s'inscrire, et un service « accompagnement » pour chaque lieu qui propose "
        "une aide individuelle.",
        "Ateliers payés avec le pass numérique : nous les décrivons « gratuit », avec une "
        "précision sur les frais. Pourquoi ? La personne ne paie rien. Un travailleur social "
        "lui donne le chèque gratuitement, la collectivité le paie. Le mot « payant » "
        "cacherait ces ateliers aux professionnels qui cherchent une aide sans frais, alors "
        "qu'ils sont faits pour ce public. Le champ « frais_precisions » dit qu'il faut "
        "apporter 1 chèque, et « conditions_acces » le redit.",
    ),
    frequence="À chaque changement : le fichier est produit à la demande.",
    formats=(
        Format(
            "JSON — structures",
            "opendata:di_structures",
            "application/json",
            "data-inclusion-structures.json",
            3600,
        ),
        Format(
            "JSON — services",
            "opendata:di_services",
            "application/json",
            "data-inclusion-services.json",
            3600,
        ),
    ),
    derniere_maj=data_inclusion.derniere_maj,
    schema="https://www.data.inclusion.beta.gouv.fr/schemas-de-donnees-de-loffre",
)

ATELIERS = JeuDeDonnees(
    slug="ateliers",
    titre="Ateliers à venir",
    resume="Les ateliers numériques des 90 prochains jours, avec les places libres.",
    details=(
        "Une séance par entrée : thème, date, heure, lieu, places libres. Les séances "
        "annulées restent, avec le statut « annulee », pour que les agendas les retirent.",
        "Le fichier iCal (RFC 5545) s'ajoute à un agenda. Il ne contient aucun nom de "
        "personne : seulement des nombres de places.",
    ),
    frequence="En continu : les places libres changent à chaque inscription.",
    formats=(
        Format("JSON", "opendata:ateliers_json", "application/json", "ateliers.json", 900),
        Format("iCal", "opendata:ateliers_ics", "text/calendar", "ateliers.ics", 900),
    ),
    derniere_maj=ateliers.derniere_maj,
)

JEUX = (LIEUX, DATA_INCLUSION, ATELIERS)


def format_by_url_name(url_name):
    for jeu in JEUX:
        for fmt in jeu.formats:
            if fmt.url_name == url_name:
                return fmt
    raise KeyError(url_name)


def as_json(absolute_url):
    """The catalogue as data (catalogue.json), for portals and tools that harvest: DCAT's
    words for the fields. `absolute_url(url_name)` gives a file's full address."""
    jeux = []
    for jeu in JEUX:
        modifie = jeu.derniere_maj()
        jeux.append(
            {
                "identifier": jeu.slug,
                "title": jeu.titre,
                "description": " ".join((jeu.resume, *jeu.details)),
                "license": LICENCE_URL,
                "license_title": LICENCE,
                "accrualPeriodicity": CONTINU,
                "frequency_description": jeu.frequence,
                "modified": modifie.isoformat() if modifie else None,
                "conformsTo": jeu.schema or None,
                "distribution": [
                    {
                        "title": fmt.libelle,
                        "downloadURL": absolute_url(fmt.url_name),
                        "mediaType": fmt.media_type,
                        "fileName": fmt.fichier,
                    }
                    for fmt in jeu.formats
                ],
            }
        )
    return {"license": LICENCE_URL, "dataset": jeux}
