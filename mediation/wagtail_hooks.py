"""The coordinators' "Kiosque" menu in the Wagtail admin: devices and volunteers' PINs.

A device is registered through `bornes.register_borne` and a PIN set through `bornes.set_pin`
(checks, hash, journal), as from every other door; editing a device (name, place, switched
off) has no service yet and is journalised by the view."""

from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSetGroup

from inclusion.admin_viewsets import CoordinatorModelViewSet
from mediation import admin_views
from mediation.models import BorneKiosque, CodePin


class BorneViewSet(CoordinatorModelViewSet):
    model = BorneKiosque
    name = "kiosque-appareils"
    icon = "desktop"
    menu_label = "Appareils"
    policy_class = admin_views.KiosquePermissionPolicy
    journal_prefix = "kiosque.appareil"
    add_view_class = admin_views.BorneCreateView
    edit_view_class = admin_views.BorneEditView
    form_fields = ["lieu", "libelle", "actif"]
    list_display = [
        "libelle",
        "lieu",
        "structure",
        Column("active_le", label="Activé le", sort_key="active_le"),
        BooleanColumn("actif", label="Actif", sort_key="actif"),
    ]
    list_filter = ["actif", "structure"]
    search_fields = ["libelle", "lieu__nom"]

    def get_form_class(self, for_update=False):
        from django.forms import modelform_factory

        # A new device is active (bornes.register_borne); it is switched off when edited.
        fields = self.form_fields if for_update else ["lieu", "libelle"]
        return modelform_factory(self.model, form=admin_views.BorneForm, fields=fields)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=BorneKiosque.objects.select_related("lieu", "structure"), **kwargs
        )


class CodePinViewSet(CoordinatorModelViewSet):
    model = CodePin
    name = "kiosque-codes-pin"
    icon = "key"
    menu_label = "Codes PIN"
    policy_class = admin_views.KiosquePermissionPolicy
    journal_prefix = "kiosque.pin"
    add_view_class = admin_views.CodePinCreateView
    edit_view_class = admin_views.CodePinEditView
    form_fields = ["user", "structure"]
    list_display = ["user", "structure", Column("modifie_le", label="Défini le")]
    list_filter = ["structure"]
    search_fields = ["user__email", "structure__nom"]

    def get_form_class(self, for_update=False):
        from django.forms import modelform_factory

        # Edited, only the PIN changes: another person or structure is another PIN.
        fields = [] if for_update else ["user", "structure"]
        return modelform_factory(self.model, form=admin_views.CodePinForm, fields=fields)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=CodePin.objects.select_related("user", "structure"), **kwargs
        )


class KiosqueViewSetGroup(ModelViewSetGroup):
    menu_label = "Kiosque"
    menu_icon = "desktop"
    menu_order = 280
    items = (BorneViewSet, CodePinViewSet)


@hooks.register("register_admin_viewset")
def register_kiosque_viewsets():
    return KiosqueViewSetGroup()
