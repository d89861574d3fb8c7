"""Invitations of professionals by e-mail (written by inclusion/services/invitations.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from inclusion import enums


class MotifAnnulation(models.TextChoices):
    REVOQUEE = "revoquee", "Révoquée"
    COMPTE_DESACTIVE = "compte_desactive", "Compte de l'invitant désactivé"
    STRUCTURE_FERMEE = "structure_fermee", "Structure fermée"
    REMPLACEE = "remplacee", "Remplacée par une nouvelle invitation"


class InvitationQuerySet(models.QuerySet):
    def en_attente(self, now):
        return self.filter(acceptee_le__isnull=True, annulee_le__isnull=True, expire_le__gt=now)


class Invitation(models.Model):
    """An e-mail invitation to join structures with roles.

    Only a hash of the link's secret is stored: the link itself lives in the e-mail (masked in
    the outbox once sent). Re-sending replaces the secret, so an earlier link stops working."""

    email = models.EmailField("adresse e-mail")
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    invite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations_envoyees",
        verbose_name="invité par",
    )
    cree_le = models.DateTimeField("créée le")
    envoyee_le = models.DateTimeField("envoyée le")
    envois = models.PositiveSmallIntegerField("envois", default=1)
    expire_le = models.DateTimeField("expire le")
    secret_hash = models.CharField(max_length=64, editable=False)
    # Set when the address already had an account: accepting adds the memberships.
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations_recues",
        verbose_name="compte",
    )
    acceptee_le = models.DateTimeField("acceptée le", null=True, blank=True)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    annulee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="annulée par",
    )
    motif_annulation = models.CharField(
        "motif d'annulation", max_length=20, choices=MotifAnnulation.choices, blank=True
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        constraints = [
            # One open invitation per address (two coordinators inviting the same person at
            # once: the second is told to re-send the first). An expired one is closed as
            # "remplacée" by the next.
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(acceptee_le__isnull=True, annulee_le__isnull=True),
                name="invitation_ouverte_unique",
            )
        ]

    def __str__(self):
        return f"Invitation de {self.email}"

    def statut(self, now):
        if self.acceptee_le:
            return "acceptee"
        if self.annulee_le:
            return "annulee"
        if self.expire_le <= now:
            return "expiree"
        return "en_attente"


class InvitationRole(models.Model):
    """One role in one structure that accepting the invitation gives."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="roles")
    structure = models.ForeignKey("inclusion.Structure", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("rôle", max_length=20, choices=enums.Role.choices)
    referent = models.BooleanField("référent de la structure", default=False)

    class Meta:
        ordering = ["structure__nom", "role"]
        verbose_name = "rôle proposé"
        verbose_name_plural = "rôles proposés"
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "structure", "role"], name="invitation_role_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} — {self.structure}"
