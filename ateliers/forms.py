"""Forms of the espace pro pages of the ateliers. French messages, next to each field."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ateliers.enums import Public
from ateliers.models import Theme
from ateliers.services.sessions import MAX_SEMAINES
from inclusion.enums import Role
from inclusion.forms import date_field
from inclusion.models import Lieu, User
from inclusion.mots_du_temps import heure_en_mots

# Start and end times offered every quarter of an hour: a select is easier than typing
# "14:00" on a tablet keyboard.
HEURES = [
    (f"{h:02d}:{m:02d}", heure_en_mots(datetime.time(h, m)))
    for h in range(7, 23)
    for m in (0, 15, 30, 45)
]


def _heure_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *HEURES],
        coerce=lambda v: datetime.time.fromisoformat(v),
        error_messages={"required": "Choisissez une heure.", "invalid_choice": "Heure inconnue."},
    )


class LieuChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nom} — {obj.commune.nom}"


class AnimateurField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def lieux_for_mediateur(user):
    """Active lieux of the structures where the user is a médiateur."""
    qs = Lieu.objects.filter(actif=True).select_related("commune").order_by("nom")
    return qs.filter(
        structure__memberships__user=user,
        structure__memberships__role=Role.MEDIATEUR,
        structure__memberships__active=True,
    ).distinct()


def mediateurs_for(lieux):
    return (
        User.objects.filter(
            memberships__structure__lieux__in=lieux,
            memberships__role=Role.MEDIATEUR,
            memberships__active=True,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name")
    )


class SessionForm(forms.Form):
    """Create (with the weekly repetition) or change a session."""

    lieu = LieuChoiceField(
        label="Lieu",
        queryset=Lieu.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choisissez le lieu.",
            "invalid_choice": "Choisissez un lieu de vos structures.",
        },
    )
    theme = forms.ModelChoiceField(
        label="Thème de l'atelier",
        queryset=Theme.objects.filter(actif=True),
        empty_label="—",
        error_messages={
            "required": "Choisissez le thème de l'atelier.",
            "invalid_choice": "Ce thème n'est plus proposé.",
        },
    )
    date = date_field()
    heure_debut = _heure_field("Heure de début")
    heure_fin = _heure_field("Heure de fin")
    capacite = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        max_value=200,
        initial=8,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Indiquez le nombre de places.",
            "invalid": "Indiquez un nombre entier.",
            "min_value": "Il faut au moins 1 place.",
            "max_value": "200 places au plus.",
        },
    )
    animateurs = AnimateurField(
        label="Animateurs",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Si vous ne cochez personne, vous animez la session.",
        error_messages={"invalid_choice": "Cette personne n'est pas médiateur de ce lieu."},
    )
    public = forms.ChoiceField(label="Public", choices=Public.choices, initial=Public.TOUT_PUBLIC)
    notes_accessibilite = forms.CharField(
        label="Accessibilité",
        max_length=300,
        required=False,
        help_text="Facultatif. Exemple : ascenseur, boucle magnétique, salle au rez-de-chaussée.",
        error_messages={"max_length": "300 caractères au plus."},
    )
    repeter = forms.BooleanField(label="Répéter chaque semaine", required=False)
    nb_semaines = forms.IntegerField(
        label="Pendant combien de semaines",
        required=False,
        min_value=2,
        max_value=MAX_SEMAINES,
        help_text=f"Le même jour et à la même heure, de 2 à {MAX_SEMAINES} semaines.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Indiquez un nombre entier.",
            "min_value": "Au moins 2 semaines (sinon, ne cochez pas « Répéter »).",
            "max_value": f"{MAX_SEMAINES} semaines au plus.",
        },
    )

    def __init__(self, *args, user, avec_repetition=True, **kwargs):
        super().__init__(*args, **kwargs)
        lieux = lieux_for_mediateur(user)
        self.fields["lieu"].queryset = lieux
        self.fields["animateurs"].queryset = mediateurs_for(lieux)
        if not avec_repetition:
            del self.fields["repeter"]
            del self.fields["nb_semaines"]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("heure_debut"), data.get("heure_fin")
        if day and start and end:
            data["debut"] = timezone.make_aware(datetime.datetime.combine(day, start))
            data["fin"] = timezone.make_aware(datetime.datetime.combine(day, end))
            if end <= start:
                self.add_error("heure_fin", "L'heure de fin doit être après l'heure de début.")
        if data.get("repeter") and not data.get("nb_semaines") and "nb_semaines" not in self.errors:
            self.add_error("nb_semaines", "Indiquez pendant combien de semaines répéter.")
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "theme": data["theme"],
            "lieu": data["lieu"],
            "capacite": data["capacite"],
            "animateurs": list(data["animateurs"]),
            "public": data["public"],
            "notes_accessibilite": data["notes_accessibilite"],
        }

    # Service errors name model fields: show them next to the form's fields.
    SERVICE_FIELDS = {"debut": "date", "fin": "heure_fin"}


class AnnulationSessionForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'annulation",
        max_length=200,
        help_text="Il est gardé dans le journal. Exemple : animateur malade.",
        error_messages={
            "required": "Indiquez pourquoi la session est annulée.",
            "max_length": "200 caractères au plus.",
        },
    )

    def clean_motif(self):
        motif = self.cleaned_data["motif"].strip()
        if not motif:
            raise ValidationError("Indiquez pourquoi la session est annulée.")
        return motif


class InscriptionForm(forms.Form):
    """Confirm a registration; the overbooking box only for a médiateur of a full session."""

    def __init__(self, *args, surbooking_possible=False, **kwargs):
        super().__init__(*args, **kwargs)
        if surbooking_possible:
            self.fields["surbooking"] = forms.BooleanField(
                label="Ajouter une place en plus (surbooking)",
                required=False,
                help_text="La session dépassera le nombre de places prévu. "
                "Sinon, la personne va sur la liste d'attente.",
            )
