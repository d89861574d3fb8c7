"""The e-mail outbox (sent by inclusion/emails/delivery.py through the task worker)."""

from django.db import models
from django.db.models import Q


class StatutEmail(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    ENVOYE = "envoye", "Envoyé"
    ECHEC = "echec", "Échec"
    EXPIRE = "expire", "Plus utile : non envoyé"


class OutgoingEmail(models.Model):
    """One outgoing e-mail, written in the same transaction as the change that causes it.

    Secrets in the body (a sign-in link) are listed in `a_masquer` and masked once the message
    is sent or given up: the outbox keeps what was said, never a working link."""

    wagtail_reference_index_ignore = True

    destinataire = models.EmailField("destinataire")
    sujet = models.CharField("sujet", max_length=200)
    texte = models.TextField("texte")
    html = models.TextField("HTML")
    kind = models.CharField("type", max_length=40, db_index=True)
    about = models.CharField("à propos de", max_length=80, blank=True, db_index=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutEmail.choices, default=StatutEmail.A_ENVOYER
    )
    erreur_code = models.CharField("code d'erreur", max_length=20, blank=True)
    erreur = models.CharField("erreur", max_length=200, blank=True)
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    pas_avant = models.DateTimeField("pas avant", db_index=True)
    inutile_apres = models.DateTimeField("inutile après", null=True, blank=True)
    a_masquer = models.JSONField(default=list, blank=True, editable=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "e-mail envoyé"
        verbose_name_plural = "e-mails envoyés"
        indexes = [
            models.Index(
                fields=["pas_avant"],
                condition=Q(statut="a_envoyer"),
                name="email_a_envoyer_idx",
            )
        ]

    def __str__(self):
        return f"E-mail {self.kind} #{self.pk} ({self.get_statut_display()})"
