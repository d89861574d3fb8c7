"""Forms of the activity records (CRA): an individual accompaniment, a workshop's record, the
link to a redeemed chèque. They only parse what is typed; the services check the rest
(mediation/services/activites.py) and their codes come back next to the fields
(inclusion.forms.apply_service_errors)."""

from django import forms
from django.utils import timezone

from inclusion.enums import Genre, Statut, TrancheAge
from inclusion.forms import date_field
from inclusion.templatetags.icones import heroicon_outline
from mediation.services.activites_champs import DUREE_MAX, NOTES_MAX, TEXTE_COURT_MAX
from mediation.vocabulaire import (
    THEMATIQUES_ADMINISTRATIVES,
    Autonomie,
    Materiel,
    Niveau,
    StructureRedirection,
    Thematique,
    TypeLieu,
)

DUREES = [15, 30, 45, 60, 90]
AUTRE_DUREE = "autre"
LIGNES_ANONYMES = 3

# A pictogram (heroicons outline) beside each thématique's text label.
PICTOS_THEMATIQUES = {
    Thematique.DIAGNOSTIC_NUMERIQUE: "clipboard-document-check",
    Thematique.PRENDRE_EN_MAIN_DU_MATERIEL: "device-phone-mobile",
    Thematique.MAINTENANCE_DE_MATERIEL: "wrench-screwdriver",
    Thematique.GERE_SES_CONTENUS_NUMERIQUES: "cloud-arrow-up",
    Thematique.NAVIGATION_SUR_INTERNET: "globe-alt",
    Thematique.EMAIL: "envelope",
    Thematique.BUREAUTIQUE: "document-text",
    Thematique.RESEAUX_SOCIAUX: "chat-bubble-left-right",
    Thematique.SANTE: "heart",
    Thematique.BANQUE_ET_ACHATS_EN_LIGNE: "banknotes",
    Thematique.ENTREPRENEURIAT: "building-storefront",
    Thematique.INSERTION_PROFESSIONNELLE: "briefcase",
    Thematique.SECURITE_NUMERIQUE: "shield-check",
    Thematique.PARENTALITE: "user-group",
    Thematique.SCOLARITE_ET_NUMERIQUE: "academic-cap",
    Thematique.CREER_AVEC_LE_NUMERIQUE: "paint-brush",
    Thematique.CULTURE_NUMERIQUE: "light-bulb",
    Thematique.INTELLIGENCE_ARTIFICIELLE: "sparkles",
    Thematique.AIDE_AUX_DEMARCHES_ADMINISTRATIVES: "building-library",
    Thematique.PAPIERS_ELECTIONS_CITOYENNETE: "identification",
    Thematique.FAMILLE_SCOLARITE: "home-modern",
    Thematique.SOCIAL_SANTE: "lifebuoy",
    Thematique.TRAVAIL_FORMATION: "briefcase",
    Thematique.LOGEMENT: "home",
    Thematique.TRANSPORTS_MOBILITE: "truck",
    Thematique.ARGENT_IMPOTS: "currency-euro",
    Thematique.JUSTICE: "scale",
    Thematique.ETRANGERS_EUROPE: "globe-europe-africa",
    Thematique.LOISIRS_SPORTS_CULTURE: "ticket",
    Thematique.ASSOCIATIONS: "users",
}
PICTOS_CANAUX = {
    TypeLieu.LIEU_ACTIVITE: "building-office",
    TypeLieu.DOMICILE: "home",
    TypeLieu.A_DISTANCE: "phone",
    TypeLieu.AUTRE: "map-pin",
}
PICTOS_MATERIEL = {
    Materiel.ORDINATEUR: "computer-desktop",
    Materiel.TELEPHONE: "device-phone-mobile",
    Materiel.TABLETTE: "device-tablet",
    Materiel.AUTRE: "cpu-chip",
    Materiel.AUCUN: "no-symbol",
}


def is_administrative(cle):
    return cle in THEMATIQUES_ADMINISTRATIVES


class LieuChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nom} — {obj.commune.nom}" if obj.commune_id else obj.nom


class _ChampsCommuns(forms.Form):
    """What every record has: when, how long, where, about what."""

    date = date_field()
    duree = forms.ChoiceField(
        label="Durée",
        choices=[(str(d), f"{d} min") for d in DUREES] + [(AUTRE_DUREE, "Autre durée")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une durée.",
            "invalid_choice": "Choisissez une durée.",
        },
    )
    duree_autre = forms.IntegerField(
        label="Autre durée, en minutes",
        required=False,
        min_value=1,
        max_value=DUREE_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=f"Si vous avez choisi « Autre durée » : de 1 à {DUREE_MAX} minutes.",
        error_messages={
            "invalid": "Tapez un nombre de minutes.",
            "min_value": "Au moins 1 minute.",
            "max_value": f"{DUREE_MAX} minutes au plus.",
        },
    )
    thematiques = forms.MultipleChoiceField(
        label="Thématiques",
        choices=Thematique.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins une thématique.",
            "invalid_choice": "Cette valeur n'est pas dans la liste.",
        },
    )
    materiel = forms.MultipleChoiceField(
        label="Matériel utilisé",
        choices=Materiel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Cette valeur n'est pas dans la liste."},
    )
    nom_demarche = forms.CharField(
        label="Nom de la démarche administrative",
        required=False,
        max_length=TEXTE_COURT_MAX,
        help_text="Facultatif. Par exemple : demande de prime d'activité.",
        error_messages={"max_length": f"{TEXTE_COURT_MAX} caractères au plus."},
    )
    notes = forms.CharField(
        label="Notes privées",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Visibles par vous seul : ni vos collègues ni les coordinateurs ne les lisent, "
            "et elles ne partent pas dans les exports des autres. Jamais de donnée de santé."
        ),
        error_messages={"max_length": f"{NOTES_MAX} caractères au plus."},
    )

    def clean(self):
        data = super().clean()
        if data.get("duree") == AUTRE_DUREE and not data.get("duree_autre"):
            if "duree_autre" not in self.errors:
                self.add_error("duree_autre", "Tapez la durée en minutes.")
        return data

    def duree_minutes(self):
        data = self.cleaned_data
        if data["duree"] == AUTRE_DUREE:
            return data["duree_autre"]
        return int(data["duree"])

    def set_duree(self, minutes):
        """Initial duration: a quick choice when it is one, else "autre" with the minutes."""
        if minutes in DUREES:
            self.initial["duree"] = str(minutes)
        elif minutes:
            self.initial["duree"] = AUTRE_DUREE
            self.initial["duree_autre"] = minutes

    def tuiles(self, champ, pictos, famille=None):
        """(checkbox or radio, inline SVG) of a field's choices, for big tiles with a
        pictogram beside the text label; `famille`: "mediation" or "administrative" to keep
        one group of thématiques."""
        tuiles = []
        for case in self[champ]:
            valeur = case.data["value"]
            if famille is not None and (famille == "administrative") != is_administrative(valeur):
                continue
            svg = heroicon_outline(
                pictos.get(valeur, "check-circle"),
                size=24,
                **{"aria-hidden": "true", "focusable": "false", "class": "tuile__picto"},
            )
            tuiles.append((case, svg))
        return tuiles

    def tuiles_thematiques_mediation(self):
        return self.tuiles("thematiques", PICTOS_THEMATIQUES, "mediation")

    def tuiles_thematiques_administratives(self):
        return self.tuiles("thematiques", PICTOS_THEMATIQUES, "administrative")

    def tuiles_materiel(self):
        return self.tuiles("materiel", PICTOS_MATERIEL)


class ActiviteIndividuelleForm(_ChampsCommuns):
    """An individual accompaniment. The person is chosen above the form (a file, given by its
    uuid) or is anonymous (genre, age band, status)."""

    beneficiaire = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # One per displayed form: the same form sent twice (a double tap) records once.
    jeton = forms.UUIDField(required=False, widget=forms.HiddenInput)
    genre = forms.ChoiceField(label="Genre", choices=Genre.choices, initial=Genre.NON_COMMUNIQUE)
    tranche_age = forms.ChoiceField(
        label="Tranche d'âge", choices=TrancheAge.choices, initial=TrancheAge.NON_COMMUNIQUE
    )
    statut_social = forms.ChoiceField(
        label="Statut", choices=Statut.choices, initial=Statut.NON_COMMUNIQUE
    )
    type_lieu = forms.ChoiceField(
        label="Canal",
        choices=TypeLieu.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le canal."},
    )
    lieu = LieuChoiceField(
        label="Lieu d'activité",
        queryset=None,
        required=False,
        empty_label="Choisissez un lieu",
        help_text="Si l'accompagnement a eu lieu dans un de vos lieux.",
        error_messages={"invalid_choice": "Ce lieu n'est pas un lieu de votre structure."},
    )
    autonomie = forms.ChoiceField(
        label="Autonomie de la personne",
        choices=Autonomie.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reoriente = forms.BooleanField(label="La personne est réorientée", required=False)
    structure_redirection = forms.ChoiceField(
        label="Vers quelle structure",
        choices=[("", "Choisissez")] + StructureRedirection.choices,
        required=False,
        help_text="Si la personne est réorientée.",
    )

    def __init__(self, *args, lieux, anonyme=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lieu"].queryset = lieux
        self.lieu_unique = len(lieux[:2]) == 1
        if self.lieu_unique:
            # One place: nothing to choose, the field rides along hidden.
            self.fields["lieu"].widget = forms.HiddenInput()
        if not anonyme:
            for champ in ("genre", "tranche_age", "statut_social"):
                del self.fields[champ]

    def tuiles_canal(self):
        return self.tuiles("type_lieu", PICTOS_CANAUX)

    def anonyme(self):
        data = self.cleaned_data
        return {
            "genre": data.get("genre", ""),
            "tranche_age": data.get("tranche_age", ""),
            "statut_social": data.get("statut_social", ""),
        }

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "date": data["date"],
            "duree_minutes": self.duree_minutes(),
            "type_lieu": data["type_lieu"],
            "lieu": data.get("lieu"),
            "thematiques": data["thematiques"],
            "materiel": data["materiel"],
            "autonomie": data["autonomie"],
            "nom_demarche": data["nom_demarche"],
            "reoriente": data["reoriente"],
            "structure_redirection": data["structure_redirection"],
            "notes": data["notes"],
        }


class ActiviteAtelierForm(_ChampsCommuns):
    """A workshop's record: pre-filled from its session; anonymous participants are lines of
    (genre, age band, status, number)."""

    titre_atelier = forms.CharField(
        label="Nom de l'atelier",
        max_length=TEXTE_COURT_MAX,
        error_messages={
            "required": "Indiquez le nom de l'atelier.",
            "max_length": f"{TEXTE_COURT_MAX} caractères au plus.",
        },
    )
    niveau = forms.ChoiceField(
        label="Niveau de l'atelier",
        choices=Niveau.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, lignes=LIGNES_ANONYMES, **kwargs):
        super().__init__(*args, **kwargs)
        self.nb_lignes = lignes
        for i in range(lignes):
            self.fields[f"anonymes_{i}_genre"] = forms.ChoiceField(
                label=f"Genre (ligne {i + 1})",
                required=False,
                choices=Genre.choices,
                initial=Genre.NON_COMMUNIQUE,
            )
            self.fields[f"anonymes_{i}_tranche_age"] = forms.ChoiceField(
                label=f"Tranche d'âge (ligne {i + 1})",
                required=False,
                choices=TrancheAge.choices,
                initial=TrancheAge.NON_COMMUNIQUE,
            )
            self.fields[f"anonymes_{i}_statut_social"] = forms.ChoiceField(
                label=f"Statut (ligne {i + 1})",
                required=False,
                choices=Statut.choices,
                initial=Statut.NON_COMMUNIQUE,
            )
            self.fields[f"anonymes_{i}_nombre"] = forms.IntegerField(
                label=f"Nombre de personnes (ligne {i + 1})",
                required=False,
                min_value=0,
                max_value=200,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": "Tapez un nombre.",
                    "min_value": "0 ou plus.",
                    "max_value": "200 au plus.",
                },
            )
        # A service error about the anonymous lines lands here.
        self.fields["anonymes"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def lignes_anonymes(self):
        """The lines' bound fields, for the template."""
        return [
            {
                "numero": i + 1,
                "genre": self[f"anonymes_{i}_genre"],
                "tranche_age": self[f"anonymes_{i}_tranche_age"],
                "statut_social": self[f"anonymes_{i}_statut_social"],
                "nombre": self[f"anonymes_{i}_nombre"],
            }
            for i in range(self.nb_lignes)
        ]

    def anonymes(self):
        data = self.cleaned_data
        rows = []
        for i in range(self.nb_lignes):
            nombre = data.get(f"anonymes_{i}_nombre") or 0
            if nombre:
                rows.append(
                    (
                        data[f"anonymes_{i}_genre"],
                        data[f"anonymes_{i}_tranche_age"],
                        data[f"anonymes_{i}_statut_social"],
                        nombre,
                    )
                )
        return rows

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "date": data["date"],
            "duree_minutes": self.duree_minutes(),
            "thematiques": data["thematiques"],
            "materiel": data["materiel"],
            "niveau": data["niveau"],
            "titre_atelier": data["titre_atelier"],
            "nom_demarche": data["nom_demarche"],
            "notes": data["notes"],
        }


class LienEncaissementForm(forms.Form):
    """Choose one of the person's recent redeemed chèques."""

    encaissement = forms.ModelChoiceField(
        label="Chèque encaissé",
        queryset=None,
        empty_label="Choisissez un chèque",
        error_messages={
            "required": "Choisissez un chèque.",
            "invalid_choice": "Ce chèque n'est pas dans la liste.",
        },
    )

    def __init__(self, *args, encaissements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["encaissement"].queryset = encaissements
        self.fields["encaissement"].label_from_instance = lambda e: (
            f"Encaissé le {timezone.localtime(e.encaisse_le):%d/%m/%Y à %H:%M}, "
            f"{e.lieu.nom} ({e.valeur:.2f} €)"
        )
