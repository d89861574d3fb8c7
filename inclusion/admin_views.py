"""Views of the coordinators' Wagtail admin: the territory's create/edit/delete through its
services, journalised generic views for the other layers, pass qualification.

The viewsets themselves are assembled in `inclusion/wagtail_hooks.py`. The territory (communes,
quartiers, structures, lieux, rattachements) is written by `inclusion/services/territoire.py`
only, like from every other door: the service checks, journalises and keeps the groups in step;
its refusals show on the form and nothing is written (`Service*View`, used by other layers'
viewsets too). The models' own `clean()` runs through the model forms too, so their French
messages show next to the fields. `Journal*View` remain for models that have no service yet.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CopyViewMixin
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permission_policies.base import ModelPermissionPolicy

from inclusion import perms
from inclusion.enums import MotifRetraitQualification
from inclusion.forms import apply_service_errors
from inclusion.models import Lieu, Membership, Structure
from inclusion.services.journal import write_journal
from inclusion.services.territoire import qualify_lieu, withdraw_qualification


class TerritoirePermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, and on top of them the business rule: coordinators only.

    A user left in the "Coordinateurs" group after their coordinator membership ended, or a
    Wagtail editor of another group, is refused as well.
    """

    def user_has_permission(self, user, action):
        return perms.can_admin_territoire(user) and super().user_has_permission(user, action)


class JournalReadOnlyPolicy(ModelPermissionPolicy):
    """The journal is read by coordinators and written by the services only: no add, no
    change, no delete, whatever the Django permissions say."""

    def user_has_permission(self, user, action):
        return action == "view" and perms.can_admin_territoire(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


# --- Journalised generic views ---------------------------------------------------------------


class JournalMixin:
    """Writes the journal line of each save; `journal_prefix` comes from the viewset."""

    journal_prefix = None

    def journal_structure(self, instance):
        if isinstance(instance, Structure):
            return instance
        return getattr(instance, "structure", None)

    def journal_details(self, instance):
        return {}

    def journal(self, instance, action, details=None):
        write_journal(
            acteur=self.request.user,
            action=action,
            objet=instance,
            structure=self.journal_structure(instance),
            details={**self.journal_details(instance), **(details or {})},
        )


class JournalCreateView(JournalMixin, generic.CreateView):
    def journal_action(self, instance):
        return f"{self.journal_prefix}.creation"

    def save_instance(self):
        instance = super().save_instance()
        self.journal(instance, self.journal_action(instance))
        return instance


class JournalEditView(JournalMixin, generic.EditView):
    def journal_action(self, instance):
        return f"{self.journal_prefix}.modification"

    def save_instance(self):
        instance = super().save_instance()
        self.journal(
            instance,
            self.journal_action(instance),
            details={"champs": sorted(self.form.changed_data)},
        )
        return instance


class JournalDeleteView(JournalMixin, generic.DeleteView):
    def delete_action(self):
        # Journal first: the object still has its primary key.
        self.journal(self.object, f"{self.journal_prefix}.suppression")
        super().delete_action()


# --- Writes through a service (the territory's, and any layer's whose model has one) -------


class ServiceRefusalMixin:
    """A refusal of the service (ValidationError) shows on the form; the service's transaction
    is rolled back, so nothing is written."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            apply_service_errors(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


def _as_service_kwarg(view, instance):
    # The services name the object after its model: update_lieu(lieu=…), delete_membership(…)
    return {view.model._meta.model_name: instance}


class ServiceCreateView(ServiceRefusalMixin, generic.CreateView):
    """`create_service(acteur=…, **form fields)`, e.g. territoire.create_lieu."""

    create_service = None

    def save_instance(self):
        instance = self.create_service(acteur=self.request.user, **self.form.cleaned_data)
        log(instance=instance, action="wagtail.create", content_changed=True)
        return instance


class ServiceCopyView(CopyViewMixin, ServiceCreateView):
    pass


class ServiceEditView(ServiceRefusalMixin, generic.EditView):
    """`update_service(acteur=…, <model>=obj, **changed fields)`: only what the form changed
    is sent, so a concurrent change of another field is kept."""

    update_service = None

    def save_instance(self):
        form = self.form
        champs = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data and not form.fields[name].disabled
        }
        instance = self.update_service(
            acteur=self.request.user, **_as_service_kwarg(self, self.object), **champs
        )
        self.has_content_changes = bool(champs)
        log(instance=instance, action="wagtail.edit", content_changed=self.has_content_changes)
        return instance


class ServiceDeleteView(generic.DeleteView):
    """`delete_service(acteur=…, <model>=obj)`; a refusal comes back as a message."""

    delete_service = None

    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete")
            self.delete_service(acteur=self.request.user, **_as_service_kwarg(self, self.object))

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


class MembershipCreateForm(forms.ModelForm):
    """A new rattachement is active; an ended one with the same user, structure and role is
    taken up again by territoire.add_membership rather than refused as a duplicate."""

    class Meta:
        model = Membership
        fields = ["user", "structure", "role"]

    def clean(self):
        data = super().clean()
        ended = Membership.objects.filter(
            user=data.get("user"),
            structure=data.get("structure"),
            role=data.get("role"),
            active=False,
        ).first()
        if ended is not None:
            self.instance = ended  # checked as itself, so not as a duplicate
        return data


# --- Lieux: qualification for the pass numérique ------------------------------------------


def etat_qualification(lieu):
    """One French sentence: qualified (when, by whom), withdrawn (when), or never qualified."""
    if lieu.qualifie_pass:
        texte = f"Qualifié le {date_format(lieu.qualifie_le, 'SHORT_DATE_FORMAT')}"
        if lieu.qualifie_par_id:
            texte += f" par {lieu.qualifie_par}"
        return texte
    if lieu.qualification_retiree_le:
        return (
            "Qualification retirée le "
            f"{date_format(lieu.qualification_retiree_le, 'SHORT_DATE_FORMAT')}"
        )
    return "Non qualifié"


class QualificationColumn(Column):
    def __init__(self, **kwargs):
        super().__init__(
            "qualification",
            label="Pass numérique",
            accessor=etat_qualification,
            sort_key="qualifie_pass",
            **kwargs,
        )


def qualification_button(lieu, url_namespace, **kwargs):
    """The qualify or withdraw link of a place, or None."""
    if lieu.qualifie_pass:
        label, name, icon = "Retirer la qualification pass", "retirer_qualification", "cross"
    else:
        label, name, icon = "Qualifier pour le pass numérique", "qualifier", "check"
    return Button(
        label, url=reverse(f"{url_namespace}:{name}", args=[lieu.pk]), icon_name=icon, **kwargs
    )


class LieuIndexView(generic.IndexView):
    url_namespace = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if perms.can_qualify_lieu(self.request.user, instance):
            buttons.append(qualification_button(instance, self.url_namespace, priority=25))
        return buttons


class LieuEditView(ServiceEditView):
    url_namespace = None
    template_name = "inclusion/admin/lieu_edit.html"

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if perms.can_qualify_lieu(self.request.user, self.object):
            buttons.append(qualification_button(self.object, self.url_namespace, priority=15))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["etat_qualification"] = etat_qualification(self.object)
        if perms.can_qualify_lieu(self.request.user, self.object):
            context["qualification_button"] = qualification_button(self.object, self.url_namespace)
        return context


class RetraitForm(forms.Form):
    # A choice, never free text: the journal keeps it.
    motif = forms.ChoiceField(
        label="Motif du retrait (facultatif)",
        required=False,
        choices=[("", "Choisir (facultatif)"), *MotifRetraitQualification.choices],
        error_messages={"invalid_choice": "Choisissez un motif de la liste."},
    )


class ConfirmationForm(forms.Form):
    pass


class QualificationBaseView(WagtailAdminTemplateMixin, FormView):
    """Confirm, then call the service; the service checks the rule and writes the journal."""

    model = Lieu
    url_namespace = None
    index_url_name = None
    edit_url_name = None
    header_icon = "site"
    template_name = "inclusion/admin/qualification_confirm.html"
    form_class = ConfirmationForm
    page_title = ""
    bouton = ""
    explication = ""

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(
            Lieu.objects.select_related("structure", "commune"), pk=kwargs["pk"]
        )
        if not perms.can_qualify_lieu(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Lieux"},
            {"url": reverse(self.edit_url_name, args=[self.object.pk]), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_success_url(self):
        return reverse(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            etat_qualification=etat_qualification(self.object),
            bouton=self.bouton,
            explication=self.explication,
            cancel_url=self.get_success_url(),
        )
        return context

    def action(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.action(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, self.success_message % {"lieu": self.object})
        return redirect(self.get_success_url())


class QualifierLieuView(QualificationBaseView):
    page_title = "Qualifier pour le pass numérique"
    bouton = "Oui, qualifier ce lieu"
    explication = (
        "Une fois qualifié, ce lieu peut accepter et encaisser les chèques du pass numérique. "
        "La date et votre nom sont enregistrés."
    )
    success_message = "« %(lieu)s » est qualifié pour le pass numérique."

    def action(self, form):
        qualify_lieu(acteur=self.request.user, lieu=self.object)


class RetirerQualificationView(QualificationBaseView):
    page_title = "Retirer la qualification pass numérique"
    form_class = RetraitForm
    bouton = "Oui, retirer la qualification"
    explication = (
        "Ce lieu ne pourra plus encaisser de chèques du pass numérique. "
        "La date de qualification reste enregistrée."
    )
    success_message = "La qualification de « %(lieu)s » est retirée."

    def action(self, form):
        withdraw_qualification(
            acteur=self.request.user, lieu=self.object, motif=form.cleaned_data["motif"]
        )


class PageCacheView(WagtailAdminTemplateMixin, FormView):
    """'Vider le cache des pages': a new generation of the public site's cache, for a change
    made outside the admin (a template deployed, a file replaced). Coordinators only."""

    template_name = "inclusion/admin/cache_pages.html"
    form_class = ConfirmationForm
    page_title = "Cache des pages publiques"
    header_icon = "resubmit"

    def dispatch(self, request, *args, **kwargs):
        if not perms.is_coordinateur(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def form_valid(self, form):
        from inclusion import page_cache

        with transaction.atomic():
            write_journal(acteur=self.request.user, action="cache.pages.vide")
            page_cache.bump()
        messages.success(
            self.request,
            "Le cache est vidé : les pages publiques seront refaites à la prochaine visite.",
        )
        return redirect(self.request.path)
