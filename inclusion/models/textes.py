"""Texts of the SMS that coordinators may reword (inclusion/sms/textes.py renders them)."""

from django.core.exceptions import ValidationError
from django.db import models


class CleTexteSms(models.TextChoices):
    ATELIER_INSCRIPTION = "atelier_inscription", "Atelier : inscription confirmée"
    ATELIER_ATTENTE = "atelier_attente", "Atelier : liste d'attente"
    ATELIER_PROMOTION = "atelier_promotion", "Atelier : une place s'est libérée"
    ATELIER_CHANGEMENT = "atelier_changement", "Atelier : date ou lieu changé"
    ATELIER_ANNULATION_SESSION = "atelier_annulation_session", "Atelier : séance annulée"
    ATELIER_ANNULATION = "atelier_annulation", "Atelier : inscription annulée"
    RAPPEL_48H = "rappel_48h", "Rappel 48 h avant l'atelier"
    RAPPEL_MATIN = "rappel_matin", "Rappel le matin de l'atelier"
    PASS_LIEN = "pass_lien", "Pass numérique : lien vers les chèques"
    ORIENTATION_ACCEPTEE = "orientation_acceptee", "Orientation : rendez-vous donné"
    ORIENTATION_RDV_DEPLACE = "orientation_rdv_deplace", "Orientation : rendez-vous déplacé"


class TexteSms(models.Model):
    """One reworded text per kind of message; when none is active, the built-in text is sent."""

    wagtail_reference_index_ignore = True

    cle = models.CharField("message", max_length=40, choices=CleTexteSms.choices, unique=True)
    corps = models.TextField(
        "texte",
        help_text="Écrivez les variables entre accolades, par exemple {titre}. "
        "Un SMS de 160 caractères au plus coûte un seul envoi.",
    )
    actif = models.BooleanField(
        "actif", default=True, help_text="Décoché : le texte prévu par défaut est envoyé."
    )
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "texte de SMS"
        verbose_name_plural = "textes des SMS"
        ordering = ["cle"]

    def __str__(self):
        return self.get_cle_display()

    def clean(self):
        from inclusion.sms.textes import validate

        if self.cle and self.corps:
            erreurs = validate(self.cle, self.corps)
            if erreurs:
                raise ValidationError({"corps": erreurs})
