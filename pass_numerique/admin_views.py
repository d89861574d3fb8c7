"""Views and forms of the "Pass numérique" menu of the Wagtail admin (coordinators only).

Assembled in `pass_numerique/wagtail_hooks.py`; saves are journalised through the socle's
journalised views (`inclusion/admin_views.py`).
"""

from django import forms
from django.db.models import F
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies.base import ModelPermissionPolicy

from inclusion.admin_views import JournalCreateView, JournalEditView
from inclusion.models import Lieu
from pass_numerique import perms
from pass_numerique.models import Enveloppe


class PassPermissionPolicy(ModelPermissionPolicy):
    """The business rule alone decides (`perms.can_manage_programmes`), not Django model
    permissions; `actions` lists what the menu allows at all (no deletion: history stays)."""

    actions = ("add", "change", "view")

    def user_has_permission(self, user, action):
        return action in self.actions and perms.can_manage_programmes(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(actions).none()


class ReadOnlyPassPolicy(PassPermissionPolicy):
    actions = ("view",)


# --- Programmes ------------------------------------------------------------------------------


class ProgrammeForm(WagtailAdminModelForm):
    """Only qualified, active lieux may be in the perimeter; the chèque value is frozen once
    carnets exist (their chèques carry the old value)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "lieux" in self.fields:
            field = self.fields["lieux"]
            field.widget = forms.CheckboxSelectMultiple()
            field.label_from_instance = lambda lieu: f"{lieu.nom} ({lieu.commune.nom})"
            field.queryset = (
                Lieu.objects.filter(qualifie_pass=True, actif=True)
                .select_related("commune")
                .order_by("nom")
            )
            field.help_text = (
                "Seuls les lieux qualifiés pour le pass numérique sont proposés. "
                "Aucun coché : tous les lieux qualifiés acceptent ce programme."
            )
        if "communes" in self.fields:
            field = self.fields["communes"]
            field.widget = forms.CheckboxSelectMultiple()
            field.queryset = field.queryset.order_by("nom")

    def clean_valeur_cheque(self):
        valeur = self.cleaned_data["valeur_cheque"]
        instance = self.instance
        if instance.pk and valeur != instance.valeur_cheque and instance.carnets.exists():
            raise forms.ValidationError(
                "Des carnets ont déjà été délivrés avec des chèques de "
                f"{instance.valeur_cheque} € : la valeur ne peut plus changer. "
                "Créez un nouveau programme."
            )
        return valeur


class ProgrammeJournalMixin:
    def journal_structure(self, instance):
        return instance.financeur

    def journal_details(self, instance):
        return {"statut": instance.statut}


class ProgrammeCreateView(ProgrammeJournalMixin, JournalCreateView):
    pass


class ProgrammeEditView(ProgrammeJournalMixin, JournalEditView):
    pass


# --- Enveloppes ------------------------------------------------------------------------------


def message_sous_emis(emis):
    return (
        f"{emis} chèque(s) de cette enveloppe sont déjà délivrés : "
        f"le nombre de chèques alloués ne peut pas descendre en dessous de {emis}."
    )


class EnveloppeForm(WagtailAdminModelForm):
    """nb_cheques never below what was already issued; programme and structure fixed once
    carnets exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["nb_cheques"].help_text = (
                f"Déjà délivrés : {self.instance.nb_cheques_emis} chèque(s). "
                "Vous pouvez augmenter ou réduire l'enveloppe, pas en dessous de ce nombre."
            )
            if self.instance.carnets.exists():
                for name in ("programme", "structure"):
                    if name in self.fields:
                        self.fields[name].disabled = True
                        self.fields[
                            name
                        ].help_text = "Des carnets ont été délivrés : ne se change plus."
        if "programme" in self.fields:
            self.fields["programme"].help_text = "Un programme brouillon ou actif."

    def clean_nb_cheques(self):
        nb = self.cleaned_data["nb_cheques"]
        if self.instance.pk:
            emis = (
                Enveloppe.objects.filter(pk=self.instance.pk)
                .values_list("nb_cheques_emis", flat=True)
                .first()
            ) or 0
            if nb < emis:
                raise forms.ValidationError(message_sous_emis(emis))
        return nb

    def validate_unique(self):
        # A French message for the (programme, structure) constraint, next to the field.
        programme = self.cleaned_data.get("programme")
        structure = self.cleaned_data.get("structure")
        if (
            programme
            and structure
            and Enveloppe.objects.filter(programme=programme, structure=structure)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "structure",
                "Cette structure a déjà une enveloppe pour ce programme : modifiez-la plutôt.",
            )
            return
        super().validate_unique()


class EnveloppeJournalMixin:
    def journal_details(self, instance):
        return {"programme": instance.programme_id, "nb_cheques": instance.nb_cheques}


class EnveloppeCreateView(EnveloppeJournalMixin, JournalCreateView):
    pass


class EnveloppeChanged(Exception):
    pass


class EnveloppeEditView(EnveloppeJournalMixin, JournalEditView):
    """Saved with a conditional UPDATE of the edited fields only: `nb_cheques_emis`, which
    issuance changes concurrently, is never written from a stale form."""

    def save_instance(self):
        form = self.form
        instance = form.instance
        values = {
            name: form.cleaned_data[name]
            for name in ("programme", "structure", "nb_cheques")
            if name in form.changed_data and not form.fields[name].disabled
        }
        if values:
            updated = Enveloppe.objects.filter(
                pk=instance.pk, nb_cheques_emis__lte=values.get("nb_cheques", F("nb_cheques"))
            ).update(**values)
            if not updated:
                raise EnveloppeChanged
        instance.refresh_from_db()
        self.has_content_changes = bool(values)
        self.journal(
            instance,
            self.journal_action(instance),
            details={"champs": sorted(values)},
        )
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EnveloppeChanged:
            emis = Enveloppe.objects.get(pk=form.instance.pk).nb_cheques_emis
            form.add_error("nb_cheques", message_sous_emis(emis))
            return self.form_invalid(form)


def etat_remboursement(encaissement):
    """ "À mettre sur un relevé", "Sur le relevé R-… (à payer)" or "Remboursé"."""
    releve = encaissement.cheque.releve
    if releve is None:
        return "Pas encore sur un relevé"
    if releve.statut == "paye":
        return f"Remboursé le {releve.paye_le:%d/%m/%Y}"
    return f"Sur le relevé de {releve.mois:%m/%Y} (à payer)"
