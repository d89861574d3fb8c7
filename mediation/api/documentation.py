"""The OpenAPI description (built once per process) and the documentation page read from it:
operations, parameters, an example of each response, drawn from the description itself so
the page never says something the API does not do."""

import copy
import json
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings

EXEMPLES_PAR_NOM = {
    "code_insee": "59350",
    "code_postal": "59000",
    "nom": "Médiathèque Jean-Macé",
    "structure": "Ville de Lille",
    "titre": "Prendre en main son smartphone",
    "titre_falc": "Utiliser son téléphone",
    "adresse": "12 rue des Lilas",
    "horaires": "Mo-Fr 09:00-12:00,14:00-18:00",
    "telephone": "+33320000000",
    "latitude": 50.63,
    "longitude": 3.06,
    "supprime": False,
    "supprime_le": None,
    "thematiques": ["email", "navigation_sur_internet"],
    "materiel": ["telephone"],
    "titre_atelier": "",
    "next": "https://exemple.fr/api/v1/…?page=2",
    "previous": None,
    "count": 1,
}
# Error bodies, by status (the description's Erreur has the same keys).
EXEMPLES_ERREURS = {
    "401": {"detail": "Ce jeton a été révoqué.", "code": "jeton_revoque"},
    "404": {"detail": "Cette page n'existe pas."},
    "429": {"detail": "Requête ralentie. Disponible à nouveau dans 12 secondes."},
}
EXEMPLES_PAR_FORMAT = {
    "date-time": "2026-11-17T14:00:00+01:00",
    "date": "2026-11-17",
    "uuid": "0b7c6d1e-5f3a-4e2b-9c8d-7a6b5c4d3e2f",
    "uri": "https://exemple.fr/opendata/",
}


# Given to the generator here rather than in settings: the description is always built
# through generate() (the view, the page, the tests).
REGLAGES = {
    "ENUM_NAME_OVERRIDES": {"ServiceEnum": "inclusion.enums.ServiceMediation"},
}
URLCONF = "mediation.api.urlconf"


def generate():
    """A fresh OpenAPI description of /api/v1/."""
    with patched_settings(REGLAGES):
        return SchemaGenerator(urlconf=URLCONF).get_schema(request=None, public=True)


@lru_cache(maxsize=1)
def _schema():
    return generate()


def schema():
    """The OpenAPI 3 description of /api/v1/ (a copy: callers may not change the cached one)."""
    return copy.deepcopy(_schema())


def _resolve(node, components):
    while isinstance(node, dict) and "$ref" in node:
        node = components.get(node["$ref"].rsplit("/", 1)[-1], {})
    return node


def example(node, components, name="", depth=0):
    """An example value for a schema node (a readable one, not a random one)."""
    node = _resolve(node, components)
    if depth > 8 or not isinstance(node, dict):
        return None
    if name == "commune":
        return {"code_insee": "59350", "nom": "Lille"}
    if name in EXEMPLES_PAR_NOM:
        return EXEMPLES_PAR_NOM[name]
    if "example" in node:
        return node["example"]
    for combo in ("allOf", "oneOf", "anyOf"):
        if node.get(combo):
            return example(node[combo][0], components, name, depth + 1)
    if "enum" in node:
        values = [v for v in node["enum"] if v not in ("", None)]
        return values[0] if values else ""
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        if "properties" in node:
            return {
                key: example(value, components, key, depth + 1)
                for key, value in node["properties"].items()
            }
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return {"champ": example(extra, components, "", depth + 1)}
        return {}
    if kind == "array":
        return [example(node.get("items", {}), components, "", depth + 1)]
    if kind == "integer":
        return node.get("minimum", 1) if node.get("minimum", 0) > 1 else 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "string":
        return EXEMPLES_PAR_FORMAT.get(node.get("format"), "texte")
    return None


def _type_label(param_schema, components):
    node = _resolve(param_schema or {}, components)
    if "enum" in node:
        return "un de : " + ", ".join(str(v) for v in node["enum"] if v not in ("", None))
    labels = {
        ("string", "date"): "date (AAAA-MM-JJ)",
        ("string", "date-time"): "date et heure (ISO 8601)",
        ("string", "uuid"): "identifiant (UUID)",
        ("integer", None): "nombre entier",
        ("boolean", None): "true ou false",
        ("string", None): "texte",
    }
    return labels.get((node.get("type"), node.get("format")), node.get("type", "texte"))


def operations(spec):
    components = spec.get("components", {}).get("schemas", {})
    result = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            parameters = [
                {
                    "nom": p["name"],
                    "ou": {"query": "adresse", "path": "chemin", "header": "en-tête"}.get(
                        p.get("in"), p.get("in")
                    ),
                    "obligatoire": p.get("required", False),
                    "type": _type_label(p.get("schema"), components),
                    # django-filter's choice lists come as Markdown ("* `key` - Label").
                    "description": p.get("description", "").replace("`", "").replace("* ", ""),
                }
                for p in op.get("parameters", [])
            ]
            responses = []
            for status, response in op.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                exemple = EXEMPLES_ERREURS.get(status)
                if exemple is None and "schema" in content:
                    exemple = example(content["schema"], components)
                responses.append(
                    {
                        "statut": status,
                        "description": response.get("description", ""),
                        "exemple": json.dumps(exemple, ensure_ascii=False, indent=2)
                        if exemple is not None
                        else "",
                    }
                )
            result.append(
                {
                    "ancre": op.get("operationId", f"{method}-{path}").replace("_", "-"),
                    "methode": method.upper(),
                    "chemin": path,
                    "titre": op.get("summary", path),
                    "description": op.get("description", ""),
                    "jeton": bool(op.get("security")) and any("jeton" in s for s in op["security"]),
                    "parametres": parameters,
                    "reponses": responses,
                }
            )
    return result


def page_context(request):
    spec = _schema()
    base = request.build_absolute_uri("/").rstrip("/")
    return {
        "info": spec.get("info", {}),
        "operations": operations(spec),
        "schema_url": reverse("api:schema"),
        "schema_yaml_url": reverse("api:schema") + "?format=yaml",
        "base": base,
        "limite_anonyme": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"],
        "limite_jeton": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["jeton"],
        "exemple_activites": base + reverse("api:activites"),
    }
