"""Filters of "Mes activités" and of its export: one function, so that the list and the
export (mediation/exports_activites.py) always agree on what "the current list" is.

Invalid values are ignored (no error page): a filter URL can be old, hand-edited or shared.
"""

import uuid

from django.db import connection
from django.db.models import Q

from inclusion.models import Beneficiaire, Lieu
from inclusion.parametres import parse_day, read_param
from mediation.models import Activite
from mediation.vocabulaire import Thematique, TypeActivite

PORTEE_MIENNES = "miennes"
PORTEE_STRUCTURE = "structure"
PORTEES = {
    PORTEE_MIENNES: "Mes activités",
    PORTEE_STRUCTURE: "Toutes celles que je peux voir",
}
PARAMETRES = ("du", "au", "type", "thematique", "lieu", "personne", "portee")


def thematique_condition(cle):
    """Records whose thématiques list holds `cle`. PostgreSQL: JSON containment (`@>`, no text
    cast: 30 of them in one dashboard query cost 245 ms for 15,000 records as text, see
    bench/README.md "pilotage"). SQLite has no containment: the key searched with its quotes
    in the JSON text matches whole keys only ("sante" does not match "social_sante")."""
    if connection.vendor == "postgresql":
        return Q(thematiques__contains=[cle])
    return Q(thematiques__icontains=f'"{cle}"')


# The accepted values, read once per process (an enum's .values builds its list each time).
_TYPES = frozenset(TypeActivite.values)
_THEMATIQUES = frozenset(Thematique.values)


def parametres_valides(params):
    """The filter parameters as the list and the export read them (invalid values dropped):
    a dict of strings, e.g. to rebuild a URL."""
    propres = {}
    du, au = parse_day(read_param(params, "du")), parse_day(read_param(params, "au"))
    if du:
        propres["du"] = du.isoformat()
    if au:
        propres["au"] = au.isoformat()
    if (type_ := read_param(params, "type")) in _TYPES:
        propres["type"] = type_
    if (thematique := read_param(params, "thematique")) in _THEMATIQUES:
        propres["thematique"] = thematique
    if (lieu := read_param(params, "lieu")).isdigit():
        propres["lieu"] = lieu
    if personne := read_param(params, "personne"):
        try:
            propres["personne"] = str(uuid.UUID(personne))
        except ValueError:
            pass
    if (portee := read_param(params, "portee")) in PORTEES:
        propres["portee"] = portee
    return propres


def filter_activites(user, params):
    """The live records `user` may see (Activite.objects.visible_to), filtered by `params`
    (a QueryDict or a dict: du, au as ISO dates, type, thematique, lieu as a pk, personne as a
    file's uuid, portee "miennes" or "structure"), and the applied filters in French as
    (label, value) pairs for the page and the export's header block.

    A lieu or a person the user cannot see matches nothing (never an error, never a hint that
    it exists); ordering is the model's (newest first)."""
    qs = Activite.objects.visible_to(user).vivantes()
    p = parametres_valides(params)
    lisibles = []

    du, au = parse_day(p.get("du", "")), parse_day(p.get("au", ""))
    if du:
        qs = qs.filter(date__gte=du)
    if au:
        qs = qs.filter(date__lte=au)
    if du and au:
        lisibles.append(("Période", f"du {du:%d/%m/%Y} au {au:%d/%m/%Y}"))
    elif du:
        lisibles.append(("Période", f"à partir du {du:%d/%m/%Y}"))
    elif au:
        lisibles.append(("Période", f"jusqu'au {au:%d/%m/%Y}"))

    if "type" in p:
        qs = qs.filter(type=p["type"])
        lisibles.append(("Type", TypeActivite(p["type"]).label))

    if "thematique" in p:
        qs = qs.filter(thematique_condition(p["thematique"]))
        lisibles.append(("Thématique", Thematique(p["thematique"]).label))

    if "lieu" in p:
        lieu = Lieu.objects.filter(pk=int(p["lieu"])).only("nom").first()
        if lieu is not None:
            qs = qs.filter(lieu=lieu)
            lisibles.append(("Lieu", lieu.nom))

    if "personne" in p:
        personne = (
            Beneficiaire.objects.for_user(user)
            .filter(uuid=p["personne"])
            .only("prenom", "nom")
            .first()
        )
        if personne is None:
            qs = qs.none()
            lisibles.append(("Personne", "personne introuvable"))
        else:
            qs = qs.filter(participants__beneficiaire=personne)
            lisibles.append(("Personne", f"{personne.prenom} {personne.nom}".strip()))

    if p.get("portee") == PORTEE_MIENNES:
        qs = qs.filter(mediateur=user)
        lisibles.append(("Portée", PORTEES[PORTEE_MIENNES]))
    elif p.get("portee") == PORTEE_STRUCTURE:
        lisibles.append(("Portée", PORTEES[PORTEE_STRUCTURE]))

    return qs, lisibles
