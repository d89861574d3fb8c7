"""The OpenAPI description's additions: the Bearer scheme of the funders' tokens, the error
responses every operation may give, and a hook that keeps the description tidy."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErreurSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Ce qui ne va pas, en français.")
    code = serializers.CharField(
        required=False, help_text="Code stable de l'erreur (jeton_inconnu, jeton_revoque…)."
    )


ERREURS_CHAMPS = {
    "type": "object",
    "description": "Pour chaque paramètre refusé, ses messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"du": ["Saisissez une date valide."]},
}

ERREURS_PUBLIQUES = {
    400: OpenApiResponse(ERREURS_CHAMPS, description="Un filtre a une valeur refusée."),
    404: OpenApiResponse(ErreurSerializer, description="Cette page n'existe pas."),
    429: OpenApiResponse(
        ErreurSerializer, description="Trop de requêtes : réessayez après Retry-After secondes."
    ),
}

ERREURS_JETON = {
    400: ERREURS_PUBLIQUES[400],
    401: OpenApiResponse(
        ErreurSerializer,
        description="Jeton absent, inconnu ou révoqué (code : jeton_inconnu, jeton_revoque…).",
    ),
    404: OpenApiResponse(ErreurSerializer, description="Curseur invalide."),
    429: ERREURS_PUBLIQUES[429],
}


class JetonScheme(OpenApiAuthenticationExtension):
    target_class = "mediation.api.authentication.JetonAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Jeton d'un outil de financeur, donné par la coordination : "
                "« Authorization: Bearer <jeton> »."
            ),
        }
