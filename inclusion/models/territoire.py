from django.db import models

from inclusion.validators import (
    parse_codes_postaux,
    validate_code_insee,
    validate_codes_postaux,
)


class Commune(models.Model):
    nom = models.CharField("nom", max_length=150)
    code_insee = models.CharField(
        "code INSEE", max_length=5, unique=True, validators=[validate_code_insee]
    )
    codes_postaux = models.CharField(
        "codes postaux",
        max_length=120,
        validators=[validate_codes_postaux],
        help_text="Séparés par une virgule si la commune en a plusieurs.",
    )

    class Meta:
        ordering = ["nom"]
        verbose_name = "commune"
        verbose_name_plural = "communes"

    def __str__(self):
        return self.nom

    @property
    def liste_codes_postaux(self):
        return parse_codes_postaux(self.codes_postaux)

    @property
    def code_postal_principal(self):
        codes = self.liste_codes_postaux
        return codes[0] if codes else ""


class Quartier(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="quartiers")
    nom = models.CharField("nom", max_length=150)
    prioritaire = models.BooleanField(
        "quartier prioritaire (QPV)",
        default=False,
        help_text="Quartier prioritaire de la politique de la ville.",
    )
    code_qpv = models.CharField("code QPV", max_length=20, blank=True)

    class Meta:
        ordering = ["commune__nom", "nom"]
        verbose_name = "quartier"
        verbose_name_plural = "quartiers"
        constraints = [
            models.UniqueConstraint(fields=["commune", "nom"], name="quartier_unique_par_commune")
        ]

    def __str__(self):
        return f"{self.nom} ({self.commune.nom})"
