"""The coordinators' "Ateliers" menu in the Wagtail admin.

Thèmes and parcours are edited here (journalised saves by the views, FALC help and warnings:
the ateliers have no service for this reference data yet); sessions are listed read-only
(médiateurs manage them in the espace pro, through ateliers/services/sessions.py). Access
follows `inclusion.perms.is_coordinateur`, not Django model permissions.
"""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSetGroup

from ateliers import admin_views
from ateliers.models import Parcours, Session, Theme
from inclusion import perms
from inclusion.admin_viewsets import CoordinatorModelViewSet


class AteliersViewSet(CoordinatorModelViewSet):
    """Coordinators only, database search, no copy."""

    policy_class = admin_views.AteliersPermissionPolicy


class ThemeViewSet(AteliersViewSet):
    model = Theme
    name = "themes"
    icon = "tag"
    menu_label = "Thèmes"
    journal_prefix = "theme"
    add_view_class = admin_views.ThemeCreateView
    edit_view_class = admin_views.ThemeEditView
    list_display = [
        "titre",
        "titre_falc",
        Column("pictogramme", label="Pictogramme", accessor=admin_views.colonne_pictogramme),
        "niveau",
        Column("duree_minutes", label="Durée (min)", sort_key="duree_minutes"),
        BooleanColumn("avec_cheque", label="Chèque", sort_key="avec_cheque"),
        BooleanColumn("actif", label="Proposé", sort_key="actif"),
    ]
    list_filter = ["niveau", "service", "avec_cheque", "actif"]
    search_fields = ["titre", "titre_falc", "description_falc"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("titre"), FieldPanel("pictogramme"), FieldPanel("actif")],
                heading="Thème",
            ),
            MultiFieldPanel(
                [FieldPanel("titre_falc"), FieldPanel("description_falc")],
                heading="Facile à lire et à comprendre (FALC)",
                help_text=(
                    "Ces textes sont lus par les personnes sur le site public et au kiosque. "
                    "Un avertissement s'affiche après l'enregistrement si une phrase est "
                    "trop longue ; il ne bloque pas."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("niveau"), FieldPanel("duree_minutes")]),
                    FieldPanel("thematiques"),
                    FieldPanel("service"),
                    FieldPanel("avec_cheque"),
                ],
                heading="Classement",
            ),
        ],
        base_form_class=admin_views.ThemeForm,
    )


class ParcoursViewSet(AteliersViewSet):
    model = Parcours
    name = "parcours"
    icon = "list-ol"
    menu_label = "Parcours"
    journal_prefix = "parcours"
    policy_class = admin_views.ParcoursPermissionPolicy
    add_view_class = admin_views.ParcoursCreateView
    edit_view_class = admin_views.ParcoursEditView
    list_display = [
        "titre",
        "titre_falc",
        Column("etapes", label="Étapes", accessor=admin_views.colonne_etapes),
        BooleanColumn("actif", label="Proposé", sort_key="actif"),
    ]
    list_filter = ["actif"]
    search_fields = ["titre", "titre_falc"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("titre"),
                    FieldPanel("titre_falc"),
                    FieldPanel("description_falc"),
                    FieldPanel("actif"),
                ],
                heading="Parcours",
            ),
            admin_views.EtapesPanel(
                "etapes",
                heading="Étapes, dans l'ordre",
                label="Étape",
                min_num=1,
                help_text=(
                    "Un thème par séance. Les flèches changent l'ordre ; les étapes sont "
                    "numérotées 1, 2, 3… à l'enregistrement."
                ),
                panels=[FieldPanel("theme")],
            ),
        ],
        base_form_class=admin_views.ParcoursForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Parcours.objects.prefetch_related("etapes"), **kwargs
        )


class SessionViewSet(AteliersViewSet):
    """Read-only: sessions are created and managed by médiateurs in the espace pro."""

    model = Session
    name = "sessions-ateliers"
    icon = "date"
    menu_label = "Sessions"
    policy_class = admin_views.ReadOnlyAteliersPolicy
    inspect_view_enabled = True
    list_per_page = 100
    list_display = [
        Column("debut", label="Début", sort_key="debut"),
        "theme",
        "lieu",
        Column("places", label="Places prises", accessor=admin_views.colonne_places),
        "public",
        "statut",
    ]
    list_filter = ["lieu", "theme", "statut", "debut"]
    search_fields = ["theme__titre", "lieu__nom"]
    inspect_view_fields = [
        "theme",
        "lieu",
        "debut",
        "fin",
        "capacite",
        "nb_inscrits",
        "public",
        "notes_accessibilite",
        "statut",
        "annulee_le",
        "motif_annulation",
        "cree_le",
    ]
    form_fields = ["statut"]  # never rendered: the policy refuses add and change

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Session.objects.select_related("theme", "lieu"), **kwargs
        )


class StatistiquesLink(ViewSet):
    """A menu entry to the statistics page of the espace pro."""

    name = "ateliers-statistiques"
    icon = "table"
    menu_label = "Statistiques"

    @property
    def menu_item_class(self):
        def is_shown(_self, request):
            return perms.is_coordinateur(request.user)

        return type("AteliersStatsMenuItem", (MenuItem,), {"is_shown": is_shown})

    @property
    def menu_url(self):
        return reverse("ateliers_public:statistiques")


class AteliersViewSetGroup(ModelViewSetGroup):
    menu_label = "Ateliers"
    menu_icon = "date"
    menu_order = 270
    items = (ThemeViewSet, ParcoursViewSet, SessionViewSet, StatistiquesLink)


@hooks.register("register_admin_viewset")
def register_ateliers_viewsets():
    return AteliersViewSetGroup()
