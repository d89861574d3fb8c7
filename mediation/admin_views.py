"""The coordinators' "Kiosque" admin menu: devices (an activation link shown once) and PINs."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.permission_policies.base import ModelPermissionPolicy

from inclusion.admin_views import JournalCreateView, JournalEditView
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


class BorneCreateView(JournalCreateView):
    def journal_action(self, instance):
        return "kiosque.appareil.creation"

    def save_instance(self):
        jeton, empreinte = bornes.nouveau_jeton()
        self.form.instance.jeton_hash = empreinte
        self.form.instance.structure = self.form.instance.lieu.structure
        self.form.instance.cree_par = self.request.user
        instance = super().save_instance()
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

    def clean(self):
        data = super().clean()
        user, structure = data.get("user"), data.get("structure")
        if (
            user is not None
            and structure is not None
            and not user.memberships.actives()
            .filter(structure=structure, role__in=perms.ROLES_KIOSQUE)
            .exists()
        ):
            self.add_error(
                "user",
                "Cette personne n'est ni volontaire ni médiateur de cette structure : "
                "rattachez-la d'abord à la structure.",
            )
        return data

    def save(self, commit=True):
        from django.contrib.auth.hashers import make_password

        pin = self.cleaned_data.get("pin")
        if pin:
            self.instance.pin_hash = make_password(pin)
        return super().save(commit=commit)


class CodePinCreateView(JournalCreateView):
    def journal_action(self, instance):
        return "kiosque.pin.definition"

    def journal_details(self, instance):
        return {"utilisateur": instance.user_id}

    def save_instance(self):
        self.form.instance.cree_par = self.request.user
        return super().save_instance()


class CodePinEditView(JournalEditView):
    def journal_action(self, instance):
        return "kiosque.pin.definition"

    def journal_details(self, instance):
        return {"utilisateur": instance.user_id}
