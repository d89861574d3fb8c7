"""Coordinators reword the SMS texts ("Textes des SMS"), with a server-side preview.

Registered from `inclusion/wagtail_hooks.py`. Coordinators only, whatever the Django
permissions say; every save is journalised like the territory's.
"""

from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from inclusion import admin_views, perms
from inclusion.models import TexteSms
from inclusion.sms import textes

PREVIEW_BUTTON = "previsualiser"


class TexteSmsPermissionPolicy(ModelPermissionPolicy):
    """Coordinators only: the texts reach every person who receives an SMS."""

    def user_has_permission(self, user, action):
        return perms.can_admin_territoire(user)

    def user_has_any_permission(self, user, actions):
        return perms.can_admin_territoire(user)


class PreviewMixin:
    """A "Prévisualiser" submit button: validates and shows the preview without saving."""

    template_name = "inclusion/admin/sms/texte_form.html"

    def form_valid(self, form):
        if PREVIEW_BUTTON in self.request.POST:
            self.form = form
            return self.render_to_response(self.get_context_data(form=form))
        return super().form_valid(form)

    def form_invalid(self, form):
        if PREVIEW_BUTTON in self.request.POST:
            self.produced_error_message = None
        return super().form_invalid(form)

    def apercu(self, form):
        if form.is_bound:
            if not form.is_valid():
                return None
            cle, corps = form.cleaned_data.get("cle"), form.cleaned_data.get("corps")
        else:
            instance = getattr(self, "object", None)
            if instance is None or not instance.pk:
                return None
            cle, corps = instance.cle, instance.corps
        if not cle or not corps:
            return None
        return textes.preview(cle, corps)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form") or self.form
        context["apercu"] = self.apercu(form)
        context["preview_button"] = PREVIEW_BUTTON
        return context


class TexteSmsCreateView(PreviewMixin, admin_views.JournalCreateView):
    def journal_details(self, instance):
        return {"cle": instance.cle}


class TexteSmsEditView(PreviewMixin, admin_views.JournalEditView):
    def journal_details(self, instance):
        return {"cle": instance.cle}


def variables_help():
    """One line per kind of message: its variables, the mandatory ones in bold."""
    lignes = format_html_join(
        "",
        "<li><strong>{}</strong> : {}. Obligatoire : {}.</li>",
        (
            (
                row["label"],
                format_html_join(", ", "{} ({})", row["variables"]),
                ", ".join(row["obligatoires"]),
            )
            for row in textes.help_rows()
        ),
    )
    return format_html(
        "<p>Écrivez les variables entre accolades. Un texte inactif, ou impossible à "
        "remplir, est remplacé par le texte prévu par défaut.</p><ul>{}</ul>",
        lignes,
    )


class TexteSmsViewSet(ModelViewSet):
    model = TexteSms
    name = "textes-sms"
    icon = "mail"
    menu_label = "Textes des SMS"
    menu_order = 260
    add_to_admin_menu = True
    add_view_class = TexteSmsCreateView
    edit_view_class = TexteSmsEditView
    delete_view_class = admin_views.JournalDeleteView
    copy_view_enabled = False
    search_backend_name = None
    list_display = [
        "cle",
        Column("corps", label="Texte"),
        BooleanColumn("actif", label="Actif", sort_key="actif"),
        "modifie_le",
    ]
    list_filter = ["actif"]
    search_fields = ["corps"]

    @cached_property
    def panels(self):
        return [
            HelpPanel(content=variables_help(), heading="Variables possibles"),
            FieldPanel("cle"),
            FieldPanel("corps"),
            FieldPanel("actif"),
        ]

    @property
    def permission_policy(self):
        return TexteSmsPermissionPolicy(self.model)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(journal_prefix="texte_sms", **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        kwargs.setdefault("add_item_label", "Ajouter un texte")
        return super().get_index_view_kwargs(**kwargs)


@hooks.register("register_admin_viewset")
def register_textes_sms_viewset():
    return TexteSmsViewSet()
