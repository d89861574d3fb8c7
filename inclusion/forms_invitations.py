"""Forms of the invitations and of the "Équipe" page. They parse; the service decides who may
give what (inclusion.services.invitations), its refusals shown with apply_service_errors."""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from inclusion.enums import Role
from inclusion.models import Structure, User

LIGNES = 3


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="L'invitation y est envoyée : la personne choisit son mot de passe.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": "Indiquez l'adresse e-mail de la personne.",
            "invalid": "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@mairie.fr).",
        },
    )
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    nom = forms.CharField(label="Nom", max_length=150, required=False)


class LigneRoleForm(forms.Form):
    """One role in one structure; a line left empty is ignored."""

    structure = forms.ModelChoiceField(
        label="Structure",
        queryset=Structure.objects.none(),
        required=False,
        empty_label="— Choisir —",
        error_messages={"invalid_choice": "Choisissez une structure de la liste."},
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=[("", "— Choisir —"), *Role.choices],
        required=False,
        error_messages={"invalid_choice": "Choisissez un rôle de la liste."},
    )
    referent = forms.BooleanField(
        label="Référent de la structure",
        required=False,
        help_text="Le référent invite lui-même ses collègues dans sa structure.",
    )

    def __init__(self, *args, structures=None, roles=None, referent=False, **kwargs):
        super().__init__(*args, **kwargs)
        if structures is not None:
            self.fields["structure"].queryset = structures
        if roles is not None:
            self.fields["role"].choices = [
                ("", "— Choisir —"),
                *((v, label) for v, label in Role.choices if v in roles),
            ]
        if not referent:
            del self.fields["referent"]

    def clean(self):
        data = super().clean()
        structure, role = data.get("structure"), data.get("role")
        if structure and not role and not self.has_error("role"):
            self.add_error("role", "Choisissez le rôle dans cette structure.")
        if role and not structure and not self.has_error("structure"):
            self.add_error("structure", "Choisissez la structure de ce rôle.")
        return data

    def ligne(self):
        """(structure, role, referent) or None for an empty line."""
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("structure") or not data.get("role"):
            return None
        return data["structure"], data["role"], bool(data.get("referent"))


LignesRolesFormSet = forms.formset_factory(
    LigneRoleForm, extra=LIGNES, max_num=LIGNES, absolute_max=LIGNES, validate_max=True
)


def lignes_formset(data=None, *, structures, roles, referent):
    return LignesRolesFormSet(
        data,
        prefix="roles",
        form_kwargs={"structures": structures, "roles": roles, "referent": referent},
    )


class AcceptationForm(forms.Form):
    """Name and password of the new account (the project's validators, in French)."""

    prenom = forms.CharField(
        label="Prénom",
        max_length=150,
        error_messages={"required": "Indiquez votre prénom."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    nom = forms.CharField(
        label="Nom",
        max_length=150,
        error_messages={"required": "Indiquez votre nom."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        error_messages={"required": "Choisissez un mot de passe."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Le même mot de passe, encore une fois",
        strip=False,
        error_messages={"required": "Tapez le mot de passe une deuxième fois."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self):
        data = super().clean()
        premier, second = data.get("password1"), data.get("password2")
        if premier and second and premier != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif premier:
            candidat = User(
                email=self.email, first_name=data.get("prenom", ""), last_name=data.get("nom", "")
            )
            try:
                password_validation.validate_password(premier, candidat)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class EquipeFiltreForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure",
        queryset=Structure.objects.none(),
        required=False,
        empty_label="Toutes",
        error_messages={"invalid_choice": "Choisissez une structure de la liste."},
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class ConfirmationForm(forms.Form):
    confirmer = forms.BooleanField(required=False)
