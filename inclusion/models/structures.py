import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from multiselectfield import MultiSelectField
from phonenumber_field.modelfields import PhoneNumberField

from inclusion import enums
from inclusion.validators import (
    normalize_pivot,
    validate_acceslibre_url,
    validate_code_postal,
    validate_opening_hours,
    validate_pivot,
)


class StructureQuerySet(models.QuerySet):
    def for_user(self, user):
        from inclusion.perms import structure_ids_for

        if not user.is_authenticated:
            return self.none()
        ids = structure_ids_for(user)
        return self if ids is None else self.filter(pk__in=ids)


class Structure(models.Model):
    nom = models.CharField("nom", max_length=200)
    pivot = models.CharField(
        "SIRET ou RNA",
        max_length=14,
        validators=[validate_pivot],
        help_text="14 chiffres du SIRET, ou numéro RNA (W suivi de 9 chiffres).",
    )
    type = models.CharField("type", max_length=30, choices=enums.TypeStructure.choices)
    commune = models.ForeignKey(
        "inclusion.Commune", on_delete=models.PROTECT, related_name="structures"
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    telephone = PhoneNumberField("téléphone", blank=True)
    courriel = models.EmailField("courriel de contact", blank=True)
    contact_nom = models.CharField("personne à contacter", max_length=150, blank=True)
    active = models.BooleanField("active", default=True)
    cree_le = models.DateTimeField(auto_now_add=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "structure"
        verbose_name_plural = "structures"
        constraints = [
            models.UniqueConstraint(fields=["pivot", "nom"], name="structure_unique_pivot_nom")
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        self.pivot = normalize_pivot(self.pivot)


class LieuQuerySet(models.QuerySet):
    def for_user(self, user):
        from inclusion.perms import structure_ids_for

        if not user.is_authenticated:
            return self.none()
        ids = structure_ids_for(user)
        return self if ids is None else self.filter(structure_id__in=ids)

    def qualifies_pass(self):
        return self.filter(qualifie_pass=True)


class Lieu(models.Model):
    """A physical place of a structure, with every field of the national places standard."""

    uuid = models.UUIDField("identifiant", default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="lieux")
    nom = models.CharField("nom", max_length=200)
    pivot = models.CharField(
        "SIRET ou RNA du lieu",
        max_length=14,
        blank=True,
        validators=[validate_pivot],
        help_text="Laissez vide pour reprendre celui de la structure.",
    )
    commune = models.ForeignKey("inclusion.Commune", on_delete=models.PROTECT, related_name="lieux")
    quartier = models.ForeignKey(
        "inclusion.Quartier",
        on_delete=models.PROTECT,
        related_name="lieux",
        null=True,
        blank=True,
    )
    code_postal = models.CharField("code postal", max_length=5, validators=[validate_code_postal])
    adresse = models.CharField(
        "adresse", max_length=255, help_text="Numéro et voie, par exemple : 12 rue des Lilas."
    )
    complement_adresse = models.CharField("complément d'adresse", max_length=255, blank=True)
    latitude = models.DecimalField(
        "latitude", max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=8, decimal_places=5, null=True, blank=True
    )
    typologie = MultiSelectField(
        "typologie", choices=enums.Typologie.choices, max_length=200, blank=True
    )
    telephone = PhoneNumberField("téléphone", blank=True)
    courriels = models.CharField(
        "courriel(s)", max_length=255, blank=True, help_text="Séparés par « | »."
    )
    site_web = models.CharField(
        "site(s) web", max_length=500, blank=True, help_text="Séparés par « | »."
    )
    horaires = models.CharField(
        "horaires d'ouverture",
        max_length=500,
        blank=True,
        validators=[validate_opening_hours],
        help_text=(
            "Format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"
        ),
    )
    presentation_resume = models.CharField("présentation courte", max_length=280, blank=True)
    presentation_detail = models.TextField("présentation détaillée", blank=True)
    source = models.CharField("source de la donnée", max_length=150, blank=True)
    itinerance = MultiSelectField(
        "itinérance", choices=enums.Itinerance.choices, max_length=30, blank=True
    )
    structure_parente = models.CharField("structure parente", max_length=200, blank=True)
    services = MultiSelectField(
        "services", choices=enums.ServiceMediation.choices, max_length=600, blank=True
    )
    publics_specifiquement_adresses = MultiSelectField(
        "publics spécifiquement adressés",
        choices=enums.PublicAdresse.choices,
        max_length=100,
        blank=True,
    )
    prise_en_charge_specifique = MultiSelectField(
        "prise en charge spécifique",
        choices=enums.PriseEnChargeSpecifique.choices,
        max_length=200,
        blank=True,
    )
    frais_a_charge = MultiSelectField(
        "frais à charge", choices=enums.FraisACharge.choices, max_length=60, blank=True
    )
    dispositif_programmes_nationaux = MultiSelectField(
        "dispositifs et programmes nationaux",
        choices=enums.DispositifNational.choices,
        max_length=400,
        blank=True,
    )
    formations_labels = MultiSelectField(
        "formations et labels",
        choices=enums.FormationLabel.choices,
        max_length=400,
        blank=True,
    )
    autres_formations_labels = models.CharField(
        "autres formations et labels", max_length=255, blank=True
    )
    modalites_acces = MultiSelectField(
        "modalités d'accès", choices=enums.ModaliteAcces.choices, max_length=200, blank=True
    )
    modalites_accompagnement = MultiSelectField(
        "modalités d'accompagnement",
        choices=enums.ModaliteAccompagnement.choices,
        max_length=120,
        blank=True,
    )
    fiche_acces_libre = models.URLField(
        "fiche Acceslibre",
        blank=True,
        validators=[validate_acceslibre_url],
        help_text="Lien vers la fiche d'accessibilité du lieu sur acceslibre.beta.gouv.fr.",
    )
    accessible_pmr = models.BooleanField(
        "accessible en fauteuil roulant",
        null=True,
        blank=True,
        help_text="Laissez vide si vous ne savez pas.",
    )
    prise_rdv = models.URLField("prise de rendez-vous en ligne", blank=True)
    date_maj = models.DateField("date de mise à jour", auto_now=True)
    # Pass numérique qualification: kept on the place, every change journalised.
    qualifie_pass = models.BooleanField("qualifié pass numérique", default=False, editable=False)
    qualifie_le = models.DateField("qualifié le", null=True, blank=True, editable=False)
    qualifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="qualifié par",
    )
    qualification_retiree_le = models.DateField(
        "qualification retirée le", null=True, blank=True, editable=False
    )
    actif = models.BooleanField("actif", default=True)

    objects = LieuQuerySet.as_manager()

    class Meta:
        ordering = ["commune__nom", "nom"]
        verbose_name = "lieu"
        verbose_name_plural = "lieux"
        constraints = [
            models.CheckConstraint(
                condition=Q(qualifie_pass=False) | Q(qualifie_le__isnull=False),
                name="lieu_qualification_datee",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="lieu_coordonnees_valides",
            ),
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.pivot:
            self.pivot = normalize_pivot(self.pivot)
        errors = {}
        if self.quartier_id and self.commune_id and self.quartier.commune_id != self.commune_id:
            errors["quartier"] = "Ce quartier n'est pas dans la commune choisie."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Indiquez la latitude et la longitude, ou aucune des deux."
        if self.commune_id and self.code_postal:
            codes = self.commune.liste_codes_postaux
            if codes and self.code_postal not in codes:
                errors["code_postal"] = (
                    f"Ce code postal n'est pas celui de {self.commune.nom} ({', '.join(codes)})."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def pivot_effectif(self):
        return self.pivot or self.structure.pivot
