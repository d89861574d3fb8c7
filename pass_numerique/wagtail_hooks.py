"""The coordinators' "Pass numérique" menu in the Wagtail admin.

Programmes and enveloppes are edited here (journalised saves by the views: the pass numérique
has no service for them yet, its services issue, redeem, expire and reimburse); carnets and
encaissements are listed read-only, without any code (only hashes exist) nor any beneficiary.
Access follows `perms.can_manage_programmes`, not Django model permissions. The dashboards and
statements live in the espace pro (/pro/pass/gestion/), linked from this menu.
"""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSetGroup

from inclusion.admin_viewsets import CoordinatorModelViewSet
from pass_numerique import admin_views, perms
from pass_numerique.models import Carnet, Encaissement, Enveloppe, Programme


class PassViewSet(CoordinatorModelViewSet):
    """Coordinators only, database search, no copy."""

    policy_class = admin_views.PassPermissionPolicy


class ProgrammeViewSet(PassViewSet):
    model = Programme
    name = "programmes"
    icon = "tag"
    menu_label = "Programmes"
    journal_prefix = "programme"
    add_view_class = admin_views.ProgrammeCreateView
    edit_view_class = admin_views.ProgrammeEditView
    list_display = [
        "nom",
        "financeur",
        Column("valeur_cheque", label="Valeur d'un chèque (€)", sort_key="valeur_cheque"),
        "cheques_par_carnet",
        Column("fin_validite", label="Fin de validité", sort_key="fin_validite"),
        Column("date_limite", label="Acceptés jusqu'au"),
        "statut",
    ]
    list_filter = ["statut", "financeur"]
    search_fields = ["nom", "financeur__nom"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("nom"), FieldPanel("financeur"), FieldPanel("statut")],
                heading="Programme",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("valeur_cheque"), FieldPanel("cheques_par_carnet")]),
                    FieldRowPanel([FieldPanel("fin_validite"), FieldPanel("tolerance_jours")]),
                    FieldPanel("anonyme_autorise"),
                ],
                heading="Chèques et validité",
                help_text=(
                    "Alerte aux prescripteurs 30 jours avant la fin de validité ; plus de "
                    "nouveau carnet 15 jours avant ; chèques expirés après la tolérance."
                ),
            ),
            MultiFieldPanel(
                [FieldPanel("communes"), FieldPanel("lieux")],
                heading="Périmètre",
            ),
        ],
        base_form_class=admin_views.ProgrammeForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Programme.objects.select_related("financeur"), **kwargs
        )


class EnveloppeViewSet(PassViewSet):
    model = Enveloppe
    name = "enveloppes"
    icon = "mail"
    menu_label = "Enveloppes"
    journal_prefix = "enveloppe"
    add_view_class = admin_views.EnveloppeCreateView
    edit_view_class = admin_views.EnveloppeEditView
    list_display = [
        Column("structure", label="Structure prescriptrice", sort_key="structure__nom"),
        "programme",
        Column("nb_cheques", label="Chèques alloués", sort_key="nb_cheques"),
        Column("nb_cheques_emis", label="Chèques délivrés", sort_key="nb_cheques_emis"),
        Column("solde", label="Reste à délivrer"),
    ]
    list_filter = ["programme", "structure"]
    search_fields = ["structure__nom", "programme__nom"]
    edit_handler = ObjectList(
        [FieldPanel("programme"), FieldPanel("structure"), FieldPanel("nb_cheques")],
        base_form_class=admin_views.EnveloppeForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Enveloppe.objects.select_related("programme", "structure"), **kwargs
        )


class CarnetViewSet(PassViewSet):
    """Read-only; never the beneficiary nor a code."""

    model = Carnet
    name = "carnets"
    icon = "doc-full"
    menu_label = "Carnets"
    policy_class = admin_views.ReadOnlyPassPolicy
    list_per_page = 100
    list_display = [
        Column("numero", label="Carnet n°", sort_key="pk"),
        "programme",
        "structure",
        "statut",
        "nb_cheques",
        Column("emis_le", label="Émis le", sort_key="emis_le"),
        Column("remis_le", label="Remis le", sort_key="remis_le"),
        Column("fin_validite", label="Fin de validité", sort_key="fin_validite"),
    ]
    list_filter = ["programme", "structure", "statut", "emis_le"]
    form_fields = ["statut"]  # never rendered: the policy refuses add and change

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Carnet.objects.select_related("programme", "structure"), **kwargs
        )


class EncaissementViewSet(PassViewSet):
    model = Encaissement
    name = "encaissements"
    icon = "tick-inverse"
    menu_label = "Encaissements"
    policy_class = admin_views.ReadOnlyPassPolicy
    list_per_page = 100
    list_display = [
        Column("encaisse_le", label="Encaissé le", sort_key="encaisse_le"),
        "lieu",
        "programme",
        Column("carnet", label="Carnet n°", accessor="cheque.carnet.numero"),
        Column("rang", label="Chèque n°", accessor="cheque.rang"),
        "prestation",
        Column("valeur", label="Valeur (€)", sort_key="valeur"),
        BooleanColumn("sans_cheque_papier", label="Sans chèque papier"),
        Column("statut", label="Remboursement", accessor=admin_views.etat_remboursement),
    ]
    list_filter = ["programme", "lieu", "prestation", "sans_cheque_papier", "encaisse_le"]
    form_fields = ["reference"]  # never rendered: the policy refuses add and change

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=Encaissement.objects.select_related(
                "lieu", "programme", "cheque__carnet", "cheque__releve"
            ),
            **kwargs,
        )


class GestionLink(ViewSet):
    """A menu entry to a page of the espace pro (dashboards, statements)."""

    url_name = None

    @property
    def menu_item_class(self):
        def is_shown(_self, request):
            return perms.can_manage_programmes(request.user)

        return type("PassGestionMenuItem", (MenuItem,), {"is_shown": is_shown})

    @property
    def menu_url(self):
        return reverse(self.url_name)


class TableauDeBordLink(GestionLink):
    name = "pass-tableaux-de-bord"
    icon = "table"
    menu_label = "Tableaux de bord"
    url_name = "pass_gestion:accueil"


class RelevesLink(GestionLink):
    name = "pass-releves"
    icon = "doc-full-inverse"
    menu_label = "Relevés de remboursement"
    url_name = "pass_gestion:releves"


class PassNumeriqueViewSetGroup(ModelViewSetGroup):
    menu_label = "Pass numérique"
    menu_icon = "tag"
    menu_order = 260
    items = (
        ProgrammeViewSet,
        EnveloppeViewSet,
        CarnetViewSet,
        EncaissementViewSet,
        TableauDeBordLink,
        RelevesLink,
    )


@hooks.register("register_admin_viewset")
def register_pass_viewsets():
    return PassNumeriqueViewSetGroup()
