"""The coordinators' "Kiosque" admin menu: devices (an activation link shown once) and PINs."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.log_actions import log
from wagtail.permission_policies.base import ModelPermissionPolicy

from inclusion.admin_views import JournalEditView, ServiceCreateView, ServiceEditView
from mediation import perms
from mediation.services import bornes


class KiosquePermissionPolicy(ModelPermissionPolicy):
    """Coordinators only (`mediation.perms.can_manage_bornes`); no deletion: a device is
    deactivated, a PIN replaced."""

    actions = ("add", "change", "view")

    def user_has_permission(self, user, action):
        return action in self.actions and perms.can_manage_bornes(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(actions).none()


class BorneForm(WagtailAdminModelForm):
    def clean(self):
        data = super().clean()
        lieu = data.get("lieu")
        if lieu is not None:
            self.instance.structure = lieu.structure
        return data


class BorneCreateView(ServiceCreateView):
    """Through bornes.register_borne (check, token, journal); its link is shown here once."""

    def save_instance(self):
        data = self.form.cleaned_data
        instance, jeton = bornes.register_borne(
            acteur=self.request.user, lieu=data["lieu"], libelle=data["libelle"]
        )
        log(instance=instance, action="wagtail.create", content_changed=True)
        lien = self.request.build_absolute_uri(reverse("kiosque:activer", args=[jeton]))
        base = getattr(settings, "SITE_URL", "") or ""
        if base:
            lien = base.rstrip("/") + reverse("kiosque:activer", args=[jeton])
        messages.warning(
            self.request,
            f"Ouvrez ce lien sur l'appareil « {instance.libelle} », une seule fois ; il n'est "
            f"affiché qu'ici : {lien}",
        )
        return instance

    def get_success_message(self, instance):
        return None


class BorneEditView(JournalEditView):
    def journal_action(self, instance):
        return "kiosque.appareil.modification"


class CodePinForm(WagtailAdminModelForm):
    """The PIN is typed here once, then kept only as a hash."""

    pin = forms.CharField(
        label="Code PIN",
        min_length=4,
        max_length=6,
        help_text="4 à 6 chiffres. Donnez-le à la personne de vive voix ; il n'est plus "
        "affiché ensuite.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": "Indiquez un code PIN de 4 à 6 chiffres.",
            "min_length": "Le code PIN compte au moins 4 chiffres.",
            "max_length": "Le code PIN compte au plus 6 chiffres.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.filter(memberships__role__in=perms.ROLES_KIOSQUE, memberships__active=True)
            .distinct()
        )
        if "user" in self.fields:
            self.fields["user"].queryset = users
        if self.instance.pk:
            self.fields["pin"].required = False
            self.fields["pin"].help_text = "Laissez vide pour garder le code actuel."

    def clean_pin(self):
        pin = self.cleaned_data.get("pin")
        if not pin and self.instance.pk:
            return ""
        try:
            return bornes.validate_pin(pin)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


def _set_pin(view, user, structure):
    """bornes.set_pin checks the person's membership, hashes the PIN and journalises."""
    return bornes.set_pin(
        acteur=view.request.user,
        user=user,
        structure=structure,
        pin=view.form.cleaned_data["pin"],
    )


class CodePinCreateView(ServiceCreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        instance = _set_pin(self, data["user"], data["structure"])
        log(instance=instance, action="wagtail.create", content_changed=True)
        return instance


class CodePinEditView(ServiceEditView):
    """Only the PIN changes here (left empty: kept); another person or structure is another
    PIN."""

    def save_instance(self):
        if not self.form.cleaned_data.get("pin"):
            return self.object
        instance = _set_pin(self, self.object.user, self.object.structure)
        log(instance=instance, action="wagtail.edit", content_changed=True)
        return instance
