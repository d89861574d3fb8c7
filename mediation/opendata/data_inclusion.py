"""The territory's offer in the data·inclusion v1 schema (package `data-inclusion-schema`).

- A structure per published place (data·inclusion's "structure" is a place people go to,
  as its own pipeline does with the national places standard).
- A service of type `atelier` per workshop theme per place, for the themes that have at least
  one upcoming planned session there, with its booking link (the next session's public
  registration page, given by the public site through `lien_session_publique`).
- A service of type `accompagnement` per place that declares individual help.

Workshops paid with a pass numérique chèque are `gratuit` (see FRAIS_PASS: the decision, also
written on the datasets page). Objects are plain dicts, in the schema's field names; the
tests validate each one with the package's pydantic models.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from ateliers.enums import Niveau, Public
from ateliers.models import Session, Theme
from inclusion import enums
from inclusion.models import Lieu
from mediation.diagnostic_hooks import lien_session_publique
from mediation.opendata import thematiques
from mediation.opendata.lieux import lieux_publies

# The decision on workshops paid with a pass numérique chèque (the schema has only gratuit /
# payant): the person pays nothing, the chèque is handed out free by a social worker and
# paid by the collectivité; "payant" would hide these workshops from the professionals who
# orient people without money, the very public of the pass.
FRAIS_PASS = "gratuit"
PRECISIONS_PASS = (
    "Gratuit pour la personne : elle donne 1 chèque du pass numérique, remis gratuitement "
    "par un travailleur social (CCAS, France Services…). Sans chèque, contactez le lieu."
)
CONDITIONS_PASS = "Apporter 1 chèque du pass numérique."

PUBLICS = {
    Public.SENIORS: "seniors",
    Public.JEUNES: "jeunes",
    Public.FAMILLES: "familles",
    Public.DEMANDEURS_EMPLOI: "demandeurs-emploi",
}
PUBLICS_LIEU = {
    enums.PublicAdresse.JEUNES: "jeunes",
    enums.PublicAdresse.ETUDIANTS: "etudiants",
    enums.PublicAdresse.FAMILLES: "familles",
    enums.PublicAdresse.SENIORS: "seniors",
    enums.PublicAdresse.FEMMES: "femmes",
}
RESEAUX_DISPOSITIFS = {
    enums.DispositifNational.AIDANTS_CONNECT: "aidants-connect",
    enums.DispositifNational.CNFS: "conseillers-numeriques",
    enums.DispositifNational.EMMAUS: "emmaus",
    enums.DispositifNational.RELAIS: "emmaus",
    enums.DispositifNational.FRANCE_SERVICES: "france-service",
    enums.DispositifNational.GEN: "grandes-ecoles-du-numerique",
    enums.DispositifNational.CROIX_ROUGE: "croix-rouge",
    enums.DispositifNational.CAF: "caf",
}
RESEAUX_TYPOLOGIES = {
    enums.Typologie.CCAS: "ccas-cias",
    enums.Typologie.CIAS: "ccas-cias",
    enums.Typologie.MUNI: "communes",
    enums.Typologie.CD: "departements",
    enums.Typologie.ML: "mission-locale",
    enums.Typologie.MJC: "mjc",
    enums.Typologie.FT: "france-travail",
    enums.Typologie.RFS: "france-service",
    enums.Typologie.PIMMS: "pimms-mediation",
    enums.Typologie.CAF: "caf",
}
SIRET = re.compile(r"\d{14}")


def source():
    """data·inclusion's producer identifier, the prefix of every id: OPENDATA_SOURCE when set
    (ids must not change when the platform is renamed), else the platform's name slugified."""
    return (
        getattr(settings, "OPENDATA_SOURCE", "")
        or slugify(settings.PLATFORM_NAME)
        or ("inclusion-numerique")
    )


def structure_id(lieu):
    return f"{source()}--lieu-{lieu.uuid}"


def _valid(validator, value):
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _first(text, validator):
    """The first of "|"-separated values the validator accepts (the schema takes one), or
    None: a free-text field may hold "www.site.fr" without its scheme."""
    for part in (text or "").split("|"):
        part = part.strip()
        if part and _valid(validator, part):
            return part
    return None


def _courriel(lieu):
    return _first(lieu.courriels, validate_email)


def _nom(text):
    """3 to 150 characters, never ending with a point (the schema's rule)."""
    text = (text or "").strip().rstrip(".").strip()[:150]
    return text if len(text) >= 3 else f"{text} (lieu)"


def _description(*parts):
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    return text[:10000] if len(text) >= 5 else None


def _adresse(lieu):
    return {
        "commune": lieu.commune.nom,
        "code_postal": lieu.code_postal or None,
        "code_insee": lieu.commune.code_insee or None,
        "adresse": lieu.adresse or None,
        "complement_adresse": lieu.complement_adresse or None,
        "longitude": float(lieu.longitude) if lieu.longitude is not None else None,
        "latitude": float(lieu.latitude) if lieu.latitude is not None else None,
    }


def _contact(lieu):
    return {
        "telephone": lieu.telephone.as_e164 if lieu.telephone else None,
        "courriel": _courriel(lieu),
    }


def _frais_lieu(lieu):
    frais = set(lieu.frais_a_charge or [])
    if not frais:
        return None
    if frais & {enums.FraisACharge.GRATUIT, enums.FraisACharge.SOUS_CONDITION}:
        return "gratuit"
    return "payant"


def structure_of(lieu):
    """A place as a data·inclusion structure."""
    reseaux = {
        RESEAUX_DISPOSITIFS[d]
        for d in lieu.dispositif_programmes_nationaux or []
        if d in RESEAUX_DISPOSITIFS
    }
    reseaux |= {RESEAUX_TYPOLOGIES[t] for t in lieu.typologie or [] if t in RESEAUX_TYPOLOGIES}
    return {
        "source": source(),
        "id": structure_id(lieu),
        "nom": _nom(lieu.nom),
        "date_maj": lieu.date_maj.isoformat(),
        "description": _description(lieu.presentation_detail or lieu.presentation_resume),
        "siret": lieu.pivot_effectif if SIRET.fullmatch(lieu.pivot_effectif or "") else None,
        **_adresse(lieu),
        **_contact(lieu),
        "site_web": _first(lieu.site_web, URLValidator(schemes=["http", "https"])),
        "horaires_accueil": lieu.horaires or None,
        "accessibilite_lieu": lieu.fiche_acces_libre or None,
        "reseaux_porteurs": sorted(reseaux) or None,
    }


def structures():
    return [structure_of(lieu) for lieu in lieux_publies()]


# --- Services ---------------------------------------------------------------------------------


@dataclass
class Offre:
    """A workshop theme at a place: its upcoming sessions' facts."""

    lieu_id: int
    theme_id: int
    prochaine: int  # the next session's pk
    publics: set = field(default_factory=set)
    maj: datetime.date | None = None
    nb: int = 0


def offres(now=None):
    """(lieu, theme) pairs with at least one upcoming planned session, in one query."""
    now = now or timezone.now()
    rows = (
        Session.objects.a_venir(now)
        .filter(lieu__actif=True, theme__actif=True)
        .order_by("lieu_id", "theme_id", "debut", "pk")
        .values_list("pk", "lieu_id", "theme_id", "public", "cree_le")
    )
    found = {}
    for pk, lieu_id, theme_id, public, cree_le in rows:
        offre = found.setdefault((lieu_id, theme_id), Offre(lieu_id, theme_id, prochaine=pk))
        offre.publics.add(public)
        offre.nb += 1
        # The UTC day: the schema refuses a date "in the future", and a reader's clock may
        # be behind Paris (a session created at 23:30 in Paris is still "today" in UTC).
        jour = cree_le.astimezone(datetime.UTC).date()
        offre.maj = max(offre.maj or jour, jour)
    return found


def _publics(codes, table):
    publics = sorted({table[c] for c in codes if c in table})
    return publics if publics and len(publics) == len(set(codes)) else ["tous-publics"]


def service_atelier(lieu, theme, offre, lien):
    """One workshop theme at one place, as a data·inclusion service of type atelier."""
    publics = _publics(offre.publics, PUBLICS)
    precisions_publics = (
        "Ateliers adaptés aux personnes qui apprennent le français."
        if Public.ALLOPHONES in offre.publics
        else None
    )
    modes = {"se-presenter"}
    if lien:
        modes.add("utiliser-lien-mobilisation")
    if lieu.telephone:
        modes.add("telephoner")
    if theme.avec_cheque:
        frais, precisions, conditions = FRAIS_PASS, PRECISIONS_PASS, CONDITIONS_PASS
    else:
        frais, precisions, conditions = "gratuit", None, None
    heures = theme.duree_minutes / 60
    duree = f"{heures:g} h".replace(".", ",")
    return {
        "source": source(),
        "structure_id": structure_id(lieu),
        "id": f"{source()}--atelier-{lieu.uuid}-{theme.pk}",
        "nom": _nom(theme.titre),
        "description": _description(
            theme.description_falc,
            f"Atelier collectif à {lieu.nom}. Niveau : {Niveau(theme.niveau).label}. "
            f"Durée : {duree}. {offre.nb} séance{'s' if offre.nb > 1 else ''} à venir.",
        ),
        "date_maj": max(lieu.date_maj, offre.maj or lieu.date_maj).isoformat(),
        "type": "atelier",
        "thematiques": thematiques.depuis_coop(theme.thematiques, theme.service),
        "frais": frais,
        "frais_precisions": precisions,
        "publics": publics,
        "publics_precisions": precisions_publics,
        "conditions_acces": conditions,
        **_adresse(lieu),
        **_contact(lieu),
        "modes_accueil": ["en-presentiel"],
        "lien_mobilisation": lien or None,
        "modes_mobilisation": sorted(modes),
        "mobilisable_par": ["professionnels", "usagers"],
        "mobilisation_precisions": (
            "Inscription à une séance en ligne (lien), par un professionnel depuis son "
            "espace, ou sur place."
        ),
    }


def service_accompagnement(lieu):
    """A place's individual help, as a data·inclusion service of type accompagnement."""
    modes = {"se-presenter"}
    acces = set(lieu.modalites_acces or [])
    if lieu.telephone:
        modes.add("telephoner")
    if _courriel(lieu) and enums.ModaliteAcces.MAIL in acces:
        modes.add("envoyer-un-courriel")
    if lieu.prise_rdv:
        modes.add("utiliser-lien-mobilisation")
    accueil = {"en-presentiel"}
    if enums.ModaliteAccompagnement.DISTANCE in (lieu.modalites_accompagnement or []):
        accueil.add("a-distance")
    precisions = "Le lieu accepte les chèques du pass numérique." if lieu.qualifie_pass else None
    return {
        "source": source(),
        "structure_id": structure_id(lieu),
        "id": f"{source()}--accompagnement-{lieu.uuid}",
        "nom": "Accompagnement individuel au numérique",
        "description": _description(
            lieu.presentation_resume,
            f"Un médiateur numérique vous aide, seul à seul, à {lieu.nom} : utiliser un "
            "ordinateur, un téléphone, faire une démarche en ligne.",
        ),
        "date_maj": lieu.date_maj.isoformat(),
        "type": "accompagnement",
        "thematiques": thematiques.depuis_services(lieu.services),
        "frais": _frais_lieu(lieu),
        "frais_precisions": precisions,
        "publics": _publics(lieu.publics_specifiquement_adresses or [], PUBLICS_LIEU),
        **_adresse(lieu),
        **_contact(lieu),
        "modes_accueil": sorted(accueil),
        "lien_mobilisation": lieu.prise_rdv or None,
        "modes_mobilisation": sorted(modes),
        "mobilisable_par": ["professionnels", "usagers"],
        "horaires_accueil": lieu.horaires or None,
    }


def services(request=None, now=None):
    """Every published service: workshops per theme per place, then individual help."""
    found = offres(now)
    lieux = {lieu.pk: lieu for lieu in lieux_publies()}
    themes = Theme.objects.in_bulk({theme_id for _, theme_id in found})
    result = []
    for (lieu_id, theme_id), offre in found.items():
        lieu = lieux.get(lieu_id)
        if lieu is None:
            continue
        lien = lien_session_publique(request, Session(pk=offre.prochaine)) if request else ""
        lien = request.build_absolute_uri(lien) if lien else ""
        result.append(service_atelier(lieu, themes[theme_id], offre, lien))
    for lieu in lieux.values():
        if enums.ModaliteAccompagnement.INDIVIDUEL in (lieu.modalites_accompagnement or []):
            result.append(service_accompagnement(lieu))
    return result


def derniere_maj(now=None):
    """The latest change of a structure or service: places' date_maj, sessions created."""
    jours = [Lieu.objects.filter(actif=True).aggregate(m=Max("date_maj"))["m"]]
    jours += [o.maj for o in offres(now).values()]
    jours = [j for j in jours if j]
    return max(jours) if jours else None
