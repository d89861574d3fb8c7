"""The coordinators' "Territoire" menu in the Wagtail admin.

Communes, quartiers, structures, lieux and rattachements are edited here by coordinators only
(`perms.can_admin_territoire`); every create, edit and delete goes through the territory's
services (`inclusion/services/territoire.py`), which check, journalise and keep the groups in
step, as from every other door.
These models are not indexed by Wagtail search: `search_backend_name = None` makes the listing
search use the database (`icontains` on `search_fields`).
"""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from inclusion import admin_comptes, admin_views, perms
from inclusion.models import Commune, Journal, Lieu, Membership, Quartier, Structure
from inclusion.services import territoire


class TerritoireViewSet(ModelViewSet):
    """Base of the territory viewsets: coordinators only, writes through the services
    (`create_service`, `update_service`, `delete_service`), database search."""

    create_service = None
    update_service = None
    delete_service = None
    add_view_class = admin_views.ServiceCreateView
    edit_view_class = admin_views.ServiceEditView
    delete_view_class = admin_views.ServiceDeleteView
    copy_view_class = admin_views.ServiceCopyView
    search_backend_name = None
    list_per_page = 50
    add_item_label = None

    @property
    def permission_policy(self):
        return admin_views.TerritoirePermissionPolicy(self.model)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(create_service=self.create_service, **kwargs)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(update_service=self.update_service, **kwargs)

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(delete_service=self.delete_service, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        if self.add_item_label:
            kwargs.setdefault("add_item_label", self.add_item_label)
        return super().get_index_view_kwargs(**kwargs)


class CommuneViewSet(TerritoireViewSet):
    model = Commune
    name = "communes"
    icon = "globe"
    menu_label = "Communes"
    add_item_label = "Ajouter une commune"
    create_service = staticmethod(territoire.create_commune)
    update_service = staticmethod(territoire.update_commune)
    delete_service = staticmethod(territoire.delete_commune)
    copy_view_enabled = False
    list_display = ["nom", "code_insee", "codes_postaux"]
    search_fields = ["nom", "code_insee", "codes_postaux"]
    form_fields = ["nom", "code_insee", "codes_postaux"]


class QuartierViewSet(TerritoireViewSet):
    model = Quartier
    name = "quartiers"
    icon = "pick"
    menu_label = "Quartiers"
    add_item_label = "Ajouter un quartier"
    create_service = staticmethod(territoire.create_quartier)
    update_service = staticmethod(territoire.update_quartier)
    delete_service = staticmethod(territoire.delete_quartier)
    copy_view_enabled = False
    list_display = [
        "nom",
        "commune",
        BooleanColumn("prioritaire", label="QPV", sort_key="prioritaire"),
        "code_qpv",
    ]
    list_filter = ["commune", "prioritaire"]
    search_fields = ["nom", "code_qpv", "commune__nom"]
    form_fields = ["commune", "nom", "prioritaire", "code_qpv"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Quartier.objects.select_related("commune"), **kwargs
        )


class StructureViewSet(TerritoireViewSet):
    model = Structure
    name = "structures"
    icon = "group"
    menu_label = "Structures"
    add_item_label = "Ajouter une structure"
    create_service = staticmethod(territoire.create_structure)
    update_service = staticmethod(territoire.update_structure)
    delete_service = staticmethod(territoire.delete_structure)
    copy_view_enabled = False
    list_display = [
        "nom",
        "type",
        "commune",
        "pivot",
        BooleanColumn("active", label="Active", sort_key="active"),
    ]
    list_filter = ["type", "commune", "active"]
    search_fields = ["nom", "pivot", "commune__nom", "contact_nom"]
    form_fields = [
        "nom",
        "pivot",
        "type",
        "commune",
        "adresse",
        "telephone",
        "courriel",
        "contact_nom",
        "active",
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Structure.objects.select_related("commune"), **kwargs
        )


class LieuViewSet(TerritoireViewSet):
    """Every field of the national places standard; the pass qualification has its own views."""

    model = Lieu
    name = "lieux"
    icon = "home"
    menu_label = "Lieux"
    add_item_label = "Ajouter un lieu"
    create_service = staticmethod(territoire.create_lieu)
    update_service = staticmethod(territoire.update_lieu)
    delete_service = staticmethod(territoire.delete_lieu)
    index_view_class = admin_views.LieuIndexView
    edit_view_class = admin_views.LieuEditView
    list_display = [
        "nom",
        "structure",
        "commune",
        admin_views.QualificationColumn(),
        BooleanColumn("actif", label="Actif", sort_key="actif"),
    ]
    list_filter = ["commune", "structure", "qualifie_pass", "actif"]
    search_fields = ["nom", "adresse", "pivot", "structure__nom", "commune__nom"]
    # qualifie_pass, qualifie_le, qualifie_par and qualification_retiree_le are not editable:
    # they change only through qualify_lieu / withdraw_qualification.
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("structure"),
                FieldPanel("nom"),
                FieldPanel("pivot"),
                FieldPanel("typologie"),
                FieldPanel("structure_parente"),
                FieldPanel("actif"),
            ],
            heading="Identité",
        ),
        MultiFieldPanel(
            [
                FieldPanel("commune"),
                FieldPanel("quartier"),
                FieldRowPanel([FieldPanel("code_postal"), FieldPanel("adresse")]),
                FieldPanel("complement_adresse"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("itinerance"),
            ],
            heading="Adresse",
        ),
        MultiFieldPanel(
            [
                FieldPanel("telephone"),
                FieldPanel("courriels"),
                FieldPanel("site_web"),
                FieldPanel("prise_rdv"),
                FieldPanel("horaires"),
            ],
            heading="Contact et horaires",
        ),
        MultiFieldPanel(
            [
                FieldPanel("presentation_resume"),
                FieldPanel("presentation_detail"),
                FieldPanel("services"),
                FieldPanel("publics_specifiquement_adresses"),
                FieldPanel("prise_en_charge_specifique"),
                FieldPanel("frais_a_charge"),
                FieldPanel("modalites_acces"),
                FieldPanel("modalites_accompagnement"),
            ],
            heading="Services",
        ),
        MultiFieldPanel(
            [
                FieldPanel("dispositif_programmes_nationaux"),
                FieldPanel("formations_labels"),
                FieldPanel("autres_formations_labels"),
            ],
            heading="Dispositifs, formations et labels",
        ),
        MultiFieldPanel(
            [
                FieldPanel("fiche_acces_libre"),
                FieldPanel("accessible_pmr"),
                FieldPanel("source"),
            ],
            heading="Accessibilité et source",
        ),
    ]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(url_namespace=self.url_namespace, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Lieu.objects.select_related("structure", "commune", "qualifie_par"),
            **kwargs,
        )

    def get_urlpatterns(self):
        qualifier = self.construct_view(admin_views.QualifierLieuView)
        retirer = self.construct_view(admin_views.RetirerQualificationView)
        return [
            *super().get_urlpatterns(),
            path("qualifier/<int:pk>/", qualifier, name="qualifier"),
            path("retirer-qualification/<int:pk>/", retirer, name="retirer_qualification"),
        ]


class MembershipViewSet(TerritoireViewSet):
    model = Membership
    name = "rattachements"
    icon = "user"
    menu_label = "Rattachements"
    add_item_label = "Ajouter un rattachement"
    create_service = staticmethod(territoire.add_membership)
    update_service = staticmethod(territoire.update_membership)
    delete_service = staticmethod(territoire.delete_membership)
    copy_view_enabled = False  # a copy would be the same rattachement again
    list_display = [
        "user",
        Column("email", label="Adresse e-mail", accessor="user.email", sort_key="user__email"),
        "structure",
        "role",
        BooleanColumn("active", label="Active", sort_key="active"),
        Column("cree_le", label="Créé le", sort_key="cree_le"),
    ]
    list_filter = ["role", "structure", "active"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "structure__nom"]
    form_fields = ["user", "structure", "role", "active"]

    def get_form_class(self, for_update=False):
        if for_update:
            return super().get_form_class(for_update=True)
        return admin_views.MembershipCreateForm  # a new rattachement is active

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Membership.objects.select_related("user", "structure"), **kwargs
        )


class JournalViewSet(ModelViewSet):
    """Read-only access journal for coordinators (CNIL): who did what, on which object."""

    model = Journal
    name = "journal"
    icon = "history"
    menu_label = "Journal"
    search_backend_name = None
    list_per_page = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["quand", "acteur", "action", "objet_type", "objet_id", "structure"]
    list_filter = ["action", "structure", "quand"]
    search_fields = ["action", "objet_type", "objet_id", "acteur__email"]
    form_fields = ["action"]  # never rendered: the policy refuses add and change

    @property
    def permission_policy(self):
        return admin_views.JournalReadOnlyPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Journal.objects.select_related("acteur", "structure"), **kwargs
        )


class TerritoireViewSetGroup(ModelViewSetGroup):
    menu_label = "Territoire"
    menu_icon = "site"
    menu_order = 250
    items = (
        CommuneViewSet,
        QuartierViewSet,
        StructureViewSet,
        LieuViewSet,
        MembershipViewSet,
        JournalViewSet,
    )


@hooks.register("register_admin_viewset")
def register_territoire_viewsets():
    return TerritoireViewSetGroup()


class CoordinateurMenuItem(MenuItem):
    def is_shown(self, request):
        return perms.is_coordinateur(request.user)


@hooks.register("register_admin_urls")
def register_page_cache_url():
    return [path("cache-pages/", admin_views.PageCacheView.as_view(), name="inclusion_cache_pages")]


@hooks.register("register_settings_menu_item")
def register_page_cache_menu_item():
    return CoordinateurMenuItem(
        "Cache des pages", reverse("inclusion_cache_pages"), icon_name="resubmit"
    )


# --- Wagtail's Users and Groups admin: closed, accounts go through the services -----------
# (inclusion/admin_comptes.py says why). order=-1: these patterns come before the viewsets'.


@hooks.register("register_admin_urls", order=-1)
def register_closed_account_urls():
    return admin_comptes.closed_urlpatterns()


@hooks.register("construct_settings_menu")
def hide_account_menu_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in admin_comptes.CLOSED]


@hooks.register("construct_search")
def hide_account_search_areas(request, search_areas):
    search_areas[:] = [area for area in search_areas if area.name not in admin_comptes.CLOSED]


@hooks.register("register_account_menu_item")
def register_mon_compte_menu_item(request):
    return admin_comptes.mon_compte_menu_item()


# Wagtail's own hooks on its user views and on bulk actions: the same answer, should the
# views be reached another way.
@hooks.register("before_create_user")
def refuse_user_creation(request):
    return admin_comptes.answer_closed_screen(request)


@hooks.register("before_edit_user")
def refuse_user_edit(request, user):
    return admin_comptes.answer_closed_screen(request)


@hooks.register("before_delete_user")
def refuse_user_deletion(request, user):
    return admin_comptes.answer_closed_screen(request)


@hooks.register("before_bulk_action")
def refuse_user_bulk_action(request, action_type, objects, action):
    if admin_comptes.is_closed_model(action.model):
        return admin_comptes.answer_closed_screen(request)
    return None


import inclusion.wagtail_hooks_sms  # noqa: E402, F401
