"""The kiosk's registered devices and the volunteers' PINs.

A device token and a PIN are never stored in clear: the token as a SHA-256 hash (it is 256
random bits), the PIN with Django's password hashers (it is only 4 to 6 digits).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class BorneKiosqueQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(actif=True, lieu__actif=True, structure__active=True)


class BorneKiosque(models.Model):
    """A tablet or touch screen that a coordinator registered for a lieu of a structure."""

    structure = models.ForeignKey(
        "inclusion.Structure", on_delete=models.PROTECT, related_name="bornes_kiosque"
    )
    lieu = models.ForeignKey(
        "inclusion.Lieu", on_delete=models.PROTECT, related_name="bornes_kiosque"
    )
    libelle = models.CharField(
        "nom de l'appareil",
        max_length=100,
        help_text="Par exemple : tablette de l'accueil, écran du hall.",
    )
    jeton_hash = models.CharField(max_length=64, unique=True, editable=False)
    actif = models.BooleanField(
        "actif", default=True, help_text="Décochez pour bloquer l'appareil (perdu, volé, remplacé)."
    )
    active_le = models.DateTimeField(
        "activé sur l'appareil le", null=True, blank=True, editable=False
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="enregistré par",
    )
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = BorneKiosqueQuerySet.as_manager()

    class Meta:
        ordering = ["lieu__nom", "libelle"]
        verbose_name = "appareil du kiosque"
        verbose_name_plural = "appareils du kiosque"
        constraints = [
            models.UniqueConstraint(fields=["lieu", "libelle"], name="borne_libelle_unique"),
        ]

    def __str__(self):
        return f"{self.libelle} — {self.lieu}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.lieu_id and self.structure_id and self.lieu.structure_id != self.structure_id:
            raise ValidationError({"lieu": "Ce lieu n'appartient pas à la structure choisie."})


class CodePin(models.Model):
    """A volunteer's short PIN for the kiosk devices of one structure (set by a coordinator)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="codes_pin_kiosque",
        verbose_name="volontaire",
    )
    structure = models.ForeignKey(
        "inclusion.Structure", on_delete=models.CASCADE, related_name="codes_pin_kiosque"
    )
    pin_hash = models.CharField(max_length=200, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="défini par",
    )
    modifie_le = models.DateTimeField("défini le", auto_now=True)

    class Meta:
        ordering = ["structure__nom", "user__email"]
        verbose_name = "code PIN du kiosque"
        verbose_name_plural = "codes PIN du kiosque"
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="code_pin_unique"),
            models.CheckConstraint(condition=~Q(pin_hash=""), name="code_pin_hash_requis"),
        ]

    def __str__(self):
        return f"Code PIN de {self.user} — {self.structure}"
