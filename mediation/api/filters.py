"""Filters of the API's lists (django-filter: drf-spectacular describes them in the schema).

Every filter reads a bounded, typed value: a bad one is a 400 with the field's message, never
a server error (an out-of-range number included)."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ateliers.enums import Niveau
from ateliers.models import Session, Theme
from inclusion.horaires import ouvert_maintenant
from inclusion.models import Lieu
from mediation.models import Activite
from mediation.vocabulaire import TypeActivite

ID_MAX = 2_147_483_647  # the databases' integer ids


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class CodeInseeFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 5)
        kwargs.setdefault("help_text", "Code INSEE de la commune (5 caractères, ex. 59350).")
        super().__init__(*args, **kwargs)


def open_lieu_ids(lieux, now=None):
    """Ids of the lieux open at `now` (inclusion.horaires reads the OSM hours; one query)."""
    now = now or timezone.now()
    return [
        pk
        for pk, horaires in lieux.values_list("pk", "horaires")
        if ouvert_maintenant(horaires, now=now)
    ]


def lieux_publics():
    return Lieu.objects.filter(actif=True, structure__active=True)


def sessions_a_venir():
    return Session.objects.a_venir().filter(lieu__actif=True, lieu__structure__active=True)


class LieuFilter(django_filters.FilterSet):
    commune = CodeInseeFilter(field_name="commune__code_insee")
    theme = IdFilter(
        method="filter_theme",
        help_text="Identifiant d'un thème : les lieux qui ont une session à venir de ce thème.",
    )
    ouvert_maintenant = django_filters.BooleanFilter(
        method="filter_ouvert",
        help_text="true : ouverts maintenant (selon leurs horaires) ; false : les autres.",
    )

    class Meta:
        model = Lieu
        fields = []

    def filter_theme(self, queryset, name, value):
        return queryset.filter(
            Exists(sessions_a_venir().filter(lieu_id=OuterRef("pk"), theme_id=value))
        )

    def filter_ouvert(self, queryset, name, value):
        ids = open_lieu_ids(queryset)
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class ThemeFilter(django_filters.FilterSet):
    niveau = django_filters.ChoiceFilter(choices=Niveau.choices)

    class Meta:
        model = Theme
        fields = []


class SessionFilter(django_filters.FilterSet):
    commune = CodeInseeFilter(field_name="lieu__commune__code_insee")
    theme = IdFilter(field_name="theme_id", help_text="Identifiant du thème.")
    lieu = django_filters.UUIDFilter(field_name="lieu__uuid", help_text="Identifiant du lieu.")
    du = django_filters.DateFilter(
        field_name="debut__date", lookup_expr="gte", help_text="Sessions à partir de ce jour."
    )
    au = django_filters.DateFilter(
        field_name="debut__date", lookup_expr="lte", help_text="Sessions jusqu'à ce jour inclus."
    )
    places_libres = django_filters.BooleanFilter(
        method="filter_places",
        help_text="true : seulement les sessions où il reste des places.",
    )

    class Meta:
        model = Session
        fields = []

    def filter_places(self, queryset, name, value):
        if value:
            return queryset.filter(capacite__gt=F("nb_inscrits"))
        return queryset.filter(capacite__lte=F("nb_inscrits"))


class InstantUtcField(IsoDateTimeField):
    """An ISO 8601 instant, turned to UTC: an offset PostgreSQL refuses (beyond ±15:59, valid
    for Python) or an instant out of range is a 400, never a server error."""

    def clean(self, value):
        instant = super().clean(value)
        if instant is None:
            return None
        try:
            return instant.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Cet instant est hors des dates possibles.") from None


class InstantUtcFilter(django_filters.IsoDateTimeFilter):
    field_class = InstantUtcField


class ActiviteFilter(django_filters.FilterSet):
    modifie_depuis = InstantUtcFilter(
        field_name="modifie_le",
        lookup_expr="gte",
        help_text=(
            "Synchronisation : seulement les activités créées, modifiées ou supprimées depuis "
            "cet instant (ISO 8601, ex. 2026-11-01T00:00:00+01:00)."
        ),
    )
    type = django_filters.ChoiceFilter(choices=TypeActivite.choices)

    class Meta:
        model = Activite
        fields = []
