"""Forms of the sending side of orientations: where to (kind, then a place, a theme or a
session), the need, the cancellation. They only parse what is typed; the services
(mediation/services/orientations.py) check the rest and their codes come back next to the
fields (inclusion.forms.apply_service_errors)."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from ateliers.enums import StatutSession, Thematique
from ateliers.models import Session, Theme
from inclusion.models import Lieu
from inclusion.templatetags.icones import heroicon_outline
from mediation.enums_orientations import ContactPrefere, TypeOrientation
from mediation.forms_activites import PICTOS_THEMATIQUES, is_administrative
from mediation.models_orientations import BESOIN_MAX
from mediation.services.orientations import MOTIF_ANNULATION_MAX

AIDE_TYPES = {
    TypeOrientation.LIEU: "Un médiateur du lieu reçoit la personne, seule, sur rendez-vous.",
    TypeOrientation.THEME: (
        "Tous les lieux qui proposent bientôt cet atelier reçoivent la demande ; le premier "
        "qui accepte inscrit la personne à une session."
    ),
    TypeOrientation.SESSION: (
        "Vous choisissez la date : la personne est inscrite tout de suite (ou mise sur la "
        "liste d'attente si la session est complète)."
    ),
}
RECHERCHE_MAX = 100


def lieux_ouverts():
    return Lieu.objects.filter(actif=True, structure__active=True)


def sessions_ouvertes(now=None):
    return Session.objects.filter(
        statut=StatutSession.PLANIFIEE,
        debut__gt=now or timezone.now(),
        lieu__actif=True,
        lieu__structure__active=True,
        theme__actif=True,
    )


class ChoixForm(forms.Form):
    """Where to: the kind, then its destination. Read from the query string while choosing
    (each step is a GET form, no script needed) and from the final POST's hidden fields."""

    type = forms.ChoiceField(
        label="Vers quoi orienter la personne ?",
        choices=TypeOrientation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    lieu = forms.ModelChoiceField(queryset=Lieu.objects.none(), required=False)
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False)
    session = forms.ModelChoiceField(queryset=Session.objects.none(), required=False)
    q = forms.CharField(
        label="Chercher par nom ou commune",
        max_length=RECHERCHE_MAX,
        required=False,
        help_text="Laissez vide pour tout voir.",
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux_ouverts().select_related("commune", "structure")
        self.fields["theme"].queryset = Theme.objects.filter(actif=True)
        self.fields["session"].queryset = sessions_ouvertes(now).select_related(
            "theme", "lieu__commune", "lieu__structure"
        )
        self.fields["lieu"].error_messages["invalid_choice"] = (
            "Ce lieu n'est plus proposé : choisissez-en un autre."
        )
        self.fields["theme"].error_messages["invalid_choice"] = (
            "Ce thème n'est plus proposé : choisissez-en un autre."
        )
        self.fields["session"].error_messages["invalid_choice"] = (
            "Cette session n'est plus ouverte : choisissez-en une autre."
        )

    def aide_types(self):
        """(radio, help) of the kinds."""
        return [(radio, AIDE_TYPES.get(radio.data["value"], "")) for radio in self["type"]]

    def _propres(self):
        """The fields that are valid, even when another is not (a bad search must not drop
        the kind already chosen)."""
        self.is_valid()
        return self.cleaned_data

    @property
    def type_choisi(self):
        return self._propres().get("type") or None

    @property
    def destination(self):
        """The chosen place, theme or session for the chosen kind, or None."""
        type_choisi = self.type_choisi
        return self._propres().get(type_choisi) if type_choisi else None

    @property
    def recherche(self):
        return self._propres().get("q") or ""


def filter_lieux(qs, recherche):
    if recherche:
        qs = qs.filter(Q(nom__icontains=recherche) | Q(commune__nom__icontains=recherche))
    return qs


def filter_sessions(qs, recherche):
    if recherche:
        qs = qs.filter(
            Q(theme__titre__icontains=recherche)
            | Q(lieu__nom__icontains=recherche)
            | Q(lieu__commune__nom__icontains=recherche)
        )
    return qs


class ContactRadioSelect(forms.RadioSelect):
    """Radios of which some choices can be shown disabled (SMS without a mobile or consent)."""

    def __init__(self, *args, desactives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.desactives = set(desactives)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.desactives:
            option["attrs"]["disabled"] = True
        return option


class BesoinForm(forms.Form):
    """The need: La Coop's thématiques, a few words, how to reach the person, an SMS."""

    thematiques = forms.MultipleChoiceField(
        label="Ses besoins",
        choices=Thematique.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    besoin = forms.CharField(
        label="En quelques mots",
        required=False,
        # No maxlength attribute: a pasted text is not cut silently, the service says how
        # much is too much.
        widget=forms.Textarea(attrs={"rows": 3, "data-compteur": BESOIN_MAX}),
        help_text=(
            f"{BESOIN_MAX} caractères au plus. Ce que la personne veut apprendre ou faire. "
            "N'écrivez rien sur sa santé ni sa situation sociale : le lieu lit ce texte."
        ),
    )
    contact_prefere = forms.ChoiceField(
        label="Comment le lieu joindra la personne",
        choices=ContactPrefere.choices,
        initial=ContactPrefere.PRESCRIPTEUR,
        required=False,  # the service says so, with its code (contact_inconnu)
    )
    prevenir_sms = forms.BooleanField(
        label="Prévenir la personne par SMS de son rendez-vous",
        required=False,
    )
    # One per displayed form: a double tap sends one orientation (see the view).
    jeton = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sms_possible=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.sms_possible = sms_possible
        desactives = () if sms_possible else (ContactPrefere.SMS,)
        self.fields["contact_prefere"].widget = ContactRadioSelect(
            choices=self.fields["contact_prefere"].choices, desactives=desactives
        )
        if not sms_possible:
            # Shown disabled; a forged "on" still reaches the service, which refuses it
            # with its own words (sms_impossible).
            self.fields["prevenir_sms"].widget.attrs["disabled"] = True
            self.fields["prevenir_sms"].help_text = (
                "Impossible pour cette personne : pas de téléphone portable, ou pas d'accord "
                "pour recevoir des SMS dans son dossier."
            )
        else:
            self.fields["prevenir_sms"].help_text = (
                "Un SMS en mots simples lui donne le jour, l'heure et le lieu dès que le lieu "
                "a fixé le rendez-vous."
            )

    def tuiles(self, famille):
        """(checkbox, inline SVG) of one group of thématiques ("mediation" or
        "administrative")."""
        tuiles = []
        for case in self["thematiques"]:
            valeur = case.data["value"]
            if (famille == "administrative") != is_administrative(valeur):
                continue
            svg = heroicon_outline(
                PICTOS_THEMATIQUES.get(valeur, "check-circle"),
                size=24,
                **{"aria-hidden": "true", "focusable": "false", "class": "tuile__picto"},
            )
            tuiles.append((case, svg))
        return tuiles

    def tuiles_mediation(self):
        return self.tuiles("mediation")

    def tuiles_administratives(self):
        return self.tuiles("administrative")

    def administratives_cochees(self):
        """Whether an administrative thématique is checked (its group then shows open)."""
        return any(case.data["selected"] for case, _ in self.tuiles("administrative"))

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "thematiques": data["thematiques"],
            "besoin": data["besoin"],
            "contact_prefere": data["contact_prefere"],
            "prevenir_sms": data["prevenir_sms"],
        }


class AnnulationForm(forms.Form):
    motif = forms.CharField(
        label="Pourquoi annulez-vous ?",
        required=False,  # the service says it is required, with its code
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            f"{MOTIF_ANNULATION_MAX} caractères au plus. Le lieu le lira. Par exemple : la "
            "personne a trouvé de l'aide ailleurs."
        ),
    )
