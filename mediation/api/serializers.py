"""What the API shows: public data only (places, themes, sessions, open-data resources), and
activities with their beneficiaries as counts. Never a person, never a staff member's name or
e-mail, never a note or a free-text field a médiateur may have filled with personal data."""

from rest_framework import serializers

from ateliers.enums import Niveau, Public
from inclusion.enums import Genre, ServiceMediation, Statut, TrancheAge
from mediation.vocabulaire import (
    Autonomie,
    StructureRedirection,
    TypeActivite,
    TypeLieu,
)


class CommuneSerializer(serializers.Serializer):
    code_insee = serializers.CharField()
    nom = serializers.CharField()


class LieuSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    nom = serializers.CharField()
    structure = serializers.CharField(source="structure.nom")
    adresse = serializers.CharField()
    complement_adresse = serializers.CharField()
    code_postal = serializers.CharField()
    commune = CommuneSerializer()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    horaires = serializers.CharField(help_text="Horaires au format OpenStreetMap opening_hours.")
    ouvert_maintenant = serializers.SerializerMethodField(
        help_text="Ouvert maintenant selon ses horaires ; null si les horaires sont inconnus."
    )
    telephone = serializers.SerializerMethodField(help_text="Téléphone du lieu (E.164).")
    site_web = serializers.CharField()
    prise_rdv = serializers.CharField()
    fiche_acces_libre = serializers.CharField()
    accessible_pmr = serializers.BooleanField(allow_null=True)
    presentation_resume = serializers.CharField()
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceMediation.choices),
        help_text="Services du standard national des lieux de médiation numérique.",
    )
    qualifie_pass = serializers.BooleanField(help_text="Accepte les chèques pass numérique.")
    date_maj = serializers.DateField()

    def get_ouvert_maintenant(self, lieu) -> bool | None:
        return self.context["ouverts"](lieu)

    def get_telephone(self, lieu) -> str:
        return lieu.telephone.as_e164 if lieu.telephone else ""

    def to_representation(self, lieu):
        data = super().to_representation(lieu)
        data["services"] = list(lieu.services or [])
        return data


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titre = serializers.CharField()
    titre_falc = serializers.CharField(help_text="Titre en facile à lire et à comprendre.")
    description_falc = serializers.CharField()
    niveau = serializers.ChoiceField(choices=Niveau.choices)
    duree_minutes = serializers.IntegerField()
    thematiques = serializers.ListField(
        child=serializers.CharField(), help_text="Thématiques (clés de La Coop)."
    )
    service = serializers.ChoiceField(choices=ServiceMediation.choices)
    avec_cheque = serializers.BooleanField(help_text="Se paie avec un chèque pass numérique.")

    def to_representation(self, theme):
        data = super().to_representation(theme)
        data["thematiques"] = list(theme.thematiques or [])
        return data


class ThemeCourtSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titre = serializers.CharField()


class LieuCourtSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    nom = serializers.CharField()
    commune = CommuneSerializer()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    theme = ThemeCourtSerializer()
    lieu = LieuCourtSerializer()
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    capacite = serializers.IntegerField()
    places_libres = serializers.IntegerField()
    liste_attente = serializers.IntegerField(
        source="nb_attente", help_text="Personnes sur la liste d'attente."
    )
    public = serializers.ChoiceField(choices=Public.choices)
    accessibilite = serializers.CharField(source="notes_accessibilite")
    avec_cheque = serializers.BooleanField(source="theme.avec_cheque")


class FormatSerializer(serializers.Serializer):
    format = serializers.CharField()
    type_media = serializers.CharField()
    url = serializers.URLField()


class RessourceSerializer(serializers.Serializer):
    id = serializers.CharField()
    titre = serializers.CharField()
    description = serializers.CharField()
    licence = serializers.CharField()
    licence_url = serializers.URLField()
    frequence = serializers.CharField(help_text="Fréquence de mise à jour.")
    derniere_maj = serializers.DateField(
        allow_null=True, help_text="Dernière mise à jour des données (null si aucune)."
    )
    schema = serializers.CharField(help_text="Adresse du schéma que suivent les fichiers.")
    page = serializers.URLField(help_text="Page du catalogue des données ouvertes.")
    formats = FormatSerializer(many=True)


def _counts_serializer(name, choices):
    fields = {key: serializers.IntegerField(min_value=0) for key, _label in choices}
    return type(name, (serializers.Serializer,), fields)


GenresSerializer = _counts_serializer("GenresSerializer", Genre.choices)
TranchesAgeSerializer = _counts_serializer("TranchesAgeSerializer", TrancheAge.choices)
StatutsSerializer = _counts_serializer("StatutsSerializer", Statut.choices)


class BeneficiairesSerializer(serializers.Serializer):
    total = serializers.IntegerField(min_value=0)
    anonymes = serializers.IntegerField(
        min_value=0, help_text="Dont les personnes venues sans fiche (participants anonymes)."
    )
    genres = GenresSerializer()
    tranches_age = TranchesAgeSerializer()
    statuts = StatutsSerializer()


class LieuActiviteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    nom = serializers.CharField()


def empty_counts():
    return {
        "total": 0,
        "anonymes": 0,
        "genres": dict.fromkeys(Genre.values, 0),
        "tranches_age": dict.fromkeys(TrancheAge.values, 0),
        "statuts": dict.fromkeys(Statut.values, 0),
    }


# A tombstone keeps these; every other field is null.
TOMBSTONE_FIELDS = ("id", "type", "supprime", "supprime_le", "cree_le", "modifie_le")


class ActiviteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid", help_text="Identifiant du compte rendu (ID CRA).")
    type = serializers.ChoiceField(choices=TypeActivite.choices)
    supprime = serializers.BooleanField(
        source="supprimee",
        help_text="true : l'activité a été supprimée (pierre tombale, autres champs à null).",
    )
    supprime_le = serializers.DateTimeField(allow_null=True)
    cree_le = serializers.DateTimeField()
    modifie_le = serializers.DateTimeField()
    date = serializers.DateField(allow_null=True)
    duree_minutes = serializers.IntegerField(allow_null=True)
    canal = serializers.ChoiceField(source="type_lieu", choices=TypeLieu.choices, allow_null=True)
    structure = serializers.CharField(source="structure.nom", allow_null=True)
    lieu = LieuActiviteSerializer(allow_null=True)
    commune = CommuneSerializer(
        allow_null=True, help_text="Commune du lieu, ou de l'accompagnement à domicile."
    )
    thematiques = serializers.ListField(child=serializers.CharField(), allow_null=True)
    materiel = serializers.ListField(child=serializers.CharField(), allow_null=True)
    autonomie = serializers.ChoiceField(
        choices=[("", "—"), *Autonomie.choices], allow_null=True, allow_blank=True
    )
    niveau = serializers.ChoiceField(
        choices=[("", "—"), *Niveau.choices], allow_null=True, allow_blank=True
    )
    titre_atelier = serializers.CharField(allow_null=True)
    reoriente = serializers.BooleanField(allow_null=True)
    structure_redirection = serializers.ChoiceField(
        choices=[("", "—"), *StructureRedirection.choices], allow_null=True, allow_blank=True
    )
    beneficiaires = BeneficiairesSerializer(
        allow_null=True, help_text="Les personnes accompagnées, en nombres seulement."
    )

    def to_representation(self, activite):
        if activite.supprime_le is not None:
            data = dict.fromkeys(self.fields, None)
            data.update(
                id=str(activite.uuid),
                type=activite.type,
                supprime=True,
                supprime_le=self.fields["supprime_le"].to_representation(activite.supprime_le),
                cree_le=self.fields["cree_le"].to_representation(activite.cree_le),
                modifie_le=self.fields["modifie_le"].to_representation(activite.modifie_le),
            )
            return data
        data = super().to_representation(activite)
        commune = activite.commune or (activite.lieu.commune if activite.lieu else None)
        data["commune"] = CommuneSerializer(commune).data if commune else None
        data["thematiques"] = list(activite.thematiques or [])
        data["materiel"] = list(activite.materiel or [])
        comptes = self.context["comptes"].get(activite.pk) or empty_counts()
        data["beneficiaires"] = {**comptes, "anonymes": activite.participants_anonymes}
        return data
