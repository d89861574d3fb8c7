"""Validators with French messages for identifiers and formats the socle stores."""

import re

import opening_hours
from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import siret

RNA_RE = re.compile(r"^W\d{9}$")
CODE_INSEE_RE = re.compile(r"^([013-9]\d|2[AB1-9])\d{3}$")
CODE_POSTAL_RE = re.compile(r"^\d{5}$")


def normalize_pivot(value):
    """Strip the spaces and dots people type inside a SIRET or RNA number."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_pivot(value):
    """A SIRET (14 digits, Luhn key checked) or an RNA number (W followed by 9 digits)."""
    value = normalize_pivot(value)
    if value.startswith("W"):
        if not RNA_RE.match(value):
            raise ValidationError(
                "Le numéro RNA doit commencer par W et compter 9 chiffres ensuite "
                "(exemple : W123456789).",
                code="rna_invalide",
            )
        return
    try:
        siret.validate(value)
    except InvalidLength:
        raise ValidationError("Le SIRET doit compter 14 chiffres.", code="siret_longueur") from None
    except InvalidFormat:
        raise ValidationError(
            "Le SIRET ne doit contenir que des chiffres, ou saisissez un numéro RNA (W…).",
            code="siret_format",
        ) from None
    except (InvalidChecksum, InvalidComponent):
        raise ValidationError(
            "Ce SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez chaque chiffre.",
            code="siret_cle",
        ) from None


def validate_code_insee(value):
    if not CODE_INSEE_RE.match(value or ""):
        raise ValidationError(
            "Le code INSEE compte 5 caractères (exemple : 33063, ou 2A004 en Corse).",
            code="insee_invalide",
        )


def validate_code_postal(value):
    if not CODE_POSTAL_RE.match(value or ""):
        raise ValidationError(
            "Le code postal compte 5 chiffres (exemple : 33000).", code="cp_invalide"
        )


def parse_codes_postaux(value):
    return [code for code in re.split(r"[\s,;|]+", value or "") if code]


def validate_codes_postaux(value):
    codes = parse_codes_postaux(value)
    if not codes:
        raise ValidationError("Indiquez au moins un code postal.", code="cp_vide")
    for code in codes:
        if not CODE_POSTAL_RE.match(code):
            raise ValidationError(
                "« %(code)s » n'est pas un code postal : il faut 5 chiffres.",
                params={"code": code},
                code="cp_invalide",
            )


def validate_opening_hours(value):
    """OpenStreetMap opening_hours syntax, e.g. "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"."""
    if not value:
        return
    if not opening_hours.validate(value):
        raise ValidationError(
            "Ces horaires ne sont pas au format OpenStreetMap. Écrivez les jours en anglais "
            "abrégé et les heures sur 24 h, par exemple : "
            "« Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00 ».",
            code="horaires_invalides",
        )


def validate_acceslibre_url(value):
    if value and not re.match(r"^https://acceslibre\.beta\.gouv\.fr/", value):
        raise ValidationError(
            "Le lien doit mener à la fiche du lieu sur acceslibre.beta.gouv.fr.",
            code="acceslibre_invalide",
        )
