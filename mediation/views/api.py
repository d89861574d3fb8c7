"""The public read API, version 1 (/api/v1/), its OpenAPI description and its documentation.

Reading only; every list paginated. The public part needs no account (rate-limited per
address, CORS open for GET); the activities need a funder's token (Bearer)."""

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from inclusion.horaires import ouvert_maintenant
from mediation.api import documentation, opendata
from mediation.api import filters as api_filters
from mediation.api import serializers as s
from mediation.api.authentication import JetonAuthentication, JetonThrottle, PublicThrottle
from mediation.api.pagination import ActivitesCursorPagination, PagePagination
from mediation.api.schema import ERREURS_JETON, ERREURS_PUBLIQUES, ErreurSerializer
from mediation.models import Activite, Participant


class PublicMixin:
    authentication_classes = []
    permission_classes = []
    throttle_classes = [PublicThrottle]
    pagination_class = PagePagination
    filter_backends = [DjangoFilterBackend]


class OpenNowMixin:
    """A place's "open now" read at one instant for the whole response."""

    def get_serializer_context(self):
        now = timezone.now()
        return {
            **super().get_serializer_context(),
            "ouverts": lambda lieu: ouvert_maintenant(lieu.horaires, now=now),
        }


@extend_schema_view(
    get=extend_schema(
        summary="Lieux de médiation numérique",
        description=(
            "Les lieux actifs du territoire, par commune puis par nom. Filtres : commune (code "
            "INSEE), thème (lieux qui ont une session à venir de ce thème), ouverts maintenant."
        ),
        tags=["Lieux"],
        responses={200: s.LieuSerializer(many=True), **ERREURS_PUBLIQUES},
    )
)
class LieuxView(PublicMixin, OpenNowMixin, generics.ListAPIView):
    serializer_class = s.LieuSerializer
    filterset_class = api_filters.LieuFilter

    def get_queryset(self):
        return (
            api_filters.lieux_publics()
            .select_related("commune", "structure")
            .order_by("commune__nom", "nom", "pk")
        )


@extend_schema_view(
    get=extend_schema(
        summary="Un lieu",
        tags=["Lieux"],
        responses={
            200: s.LieuSerializer,
            404: OpenApiResponse(ErreurSerializer, description="Lieu inconnu ou fermé."),
            429: ERREURS_PUBLIQUES[429],
        },
    )
)
class LieuView(PublicMixin, OpenNowMixin, generics.RetrieveAPIView):
    serializer_class = s.LieuSerializer
    lookup_field = "uuid"
    filter_backends = []

    def get_queryset(self):
        return api_filters.lieux_publics().select_related("commune", "structure")


@extend_schema_view(
    get=extend_schema(
        summary="Thèmes d'ateliers",
        description="Les thèmes d'ateliers proposés, par titre.",
        tags=["Ateliers"],
        responses={200: s.ThemeSerializer(many=True), **ERREURS_PUBLIQUES},
    )
)
class ThemesView(PublicMixin, generics.ListAPIView):
    serializer_class = s.ThemeSerializer
    filterset_class = api_filters.ThemeFilter

    def get_queryset(self):
        from ateliers.models import Theme

        return Theme.objects.filter(actif=True).order_by("titre", "pk")


@extend_schema_view(
    get=extend_schema(
        summary="Sessions d'ateliers à venir",
        description=(
            "Les sessions planifiées qui n'ont pas commencé, par date, avec les places libres "
            "et la taille de la liste d'attente. Filtres : commune (code INSEE), thème, lieu, "
            "dates (du, au), places libres."
        ),
        tags=["Ateliers"],
        responses={200: s.SessionSerializer(many=True), **ERREURS_PUBLIQUES},
    )
)
class SessionsView(PublicMixin, generics.ListAPIView):
    serializer_class = s.SessionSerializer
    filterset_class = api_filters.SessionFilter

    def get_queryset(self):
        return (
            api_filters.sessions_a_venir()
            .for_display()
            .select_related("lieu__commune")
            .order_by("debut", "pk")
        )


@extend_schema_view(
    get=extend_schema(
        summary="Jeux de données ouverts",
        description=(
            "Les jeux de données publiés par le territoire (Licence Ouverte / Etalab 2.0), "
            "avec l'adresse stable de chaque format."
        ),
        tags=["Données ouvertes"],
        responses={200: s.RessourceSerializer(many=True), **ERREURS_PUBLIQUES},
    )
)
class RessourcesView(PublicMixin, generics.ListAPIView):
    serializer_class = s.RessourceSerializer
    filter_backends = []

    def get_queryset(self):
        return opendata.ressources(self.request)


@extend_schema_view(
    get=extend_schema(
        summary="Activités (comptes rendus), pour les financeurs",
        description=(
            "Les activités de médiation du territoire, comme l'API de La Coop de la médiation "
            "numérique : de la dernière modifiée à la plus ancienne, pagination par curseur, "
            "synchronisation avec « modifie_depuis », les activités supprimées rendues comme "
            "pierres tombales (supprime = true, autres champs à null). Les personnes "
            "accompagnées n'y sont que des nombres. Jeton obligatoire : "
            "« Authorization: Bearer <jeton> »."
        ),
        tags=["Activités"],
        responses={200: s.ActiviteSerializer(many=True), **ERREURS_JETON},
    )
)
class ActivitesView(generics.ListAPIView):
    serializer_class = s.ActiviteSerializer
    authentication_classes = [JetonAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = [JetonThrottle]
    pagination_class = ActivitesCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = api_filters.ActiviteFilter

    def get_queryset(self):
        return Activite.objects.select_related("structure", "lieu__commune", "commune")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        comptes = beneficiary_counts([a.pk for a in page if a.supprime_le is None])
        context = {**self.get_serializer_context(), "comptes": comptes}
        serializer = self.get_serializer_class()(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)


def beneficiary_counts(activite_ids):
    """{activite id: counts}: participants by genre, age band and status, grouped in the
    database (one query whatever the page's size)."""
    comptes = {}
    if not activite_ids:
        return comptes
    rows = (
        Participant.objects.filter(activite_id__in=activite_ids)
        .values("activite_id", "genre", "tranche_age", "statut_social")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        c = comptes.setdefault(row["activite_id"], s.empty_counts())
        n = row["n"]
        c["total"] += n
        for cle, champ in (
            ("genres", "genre"),
            ("tranches_age", "tranche_age"),
            ("statuts", "statut_social"),
        ):
            if row[champ] in c[cle]:
                c[cle][row[champ]] += n
    return comptes


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 description: JSON (default, or ?format=json), YAML with ?format=yaml."""

    throttle_classes = [PublicThrottle]
    authentication_classes = []
    permission_classes = []

    def get_renderers(self):
        renderers = super().get_renderers()
        # JSON first: the default for a client that asks for nothing in particular.
        return sorted(renderers, key=lambda r: "json" not in r.format)

    def _get_schema_response(self, request):
        suffix = self.perform_content_negotiation(request, force=True)[0].format
        return Response(
            data=documentation.schema(),
            headers={"Content-Disposition": f'inline; filename="api-v1.{suffix}"'},
        )


@require_safe
def documentation_page(request):
    """The API's documentation, rendered on the server from its OpenAPI description."""
    return render(
        request,
        "mediation/api/documentation.html",
        documentation.page_context(request),
    )
