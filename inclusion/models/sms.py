"""The SMS outbox, opt-outs and inbound messages (the gateway lives in inclusion/sms/)."""

from django.db import models
from django.db.models import Q


class StatutSms(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    ENVOYE = "envoye", "Envoyé"
    DELIVRE = "delivre", "Reçu"
    ECHEC = "echec", "Échec"
    NON_DELIVRE = "non_delivre", "Non reçu"
    EXPIRE = "expire", "Plus utile : non envoyé"
    ANNULE = "annule", "Annulé"


# Final states: a later callback never moves a message out of them.
FINAUX = (
    StatutSms.DELIVRE,
    StatutSms.ECHEC,
    StatutSms.NON_DELIVRE,
    StatutSms.EXPIRE,
    StatutSms.ANNULE,
)


class SmsMessage(models.Model):
    """One outgoing text, written in the same transaction as the change that causes it."""

    wagtail_reference_index_ignore = True

    beneficiaire = models.ForeignKey(
        "inclusion.Beneficiaire",
        on_delete=models.SET_NULL,
        null=True,
        related_name="sms",
        verbose_name="personne",
    )
    telephone = models.CharField("numéro", max_length=20)
    corps = models.TextField("message")
    kind = models.CharField("type", max_length=40, db_index=True)
    about = models.CharField("à propos de", max_length=80, blank=True, db_index=True)
    encodage = models.CharField("encodage", max_length=10)
    segments = models.PositiveSmallIntegerField("segments")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutSms.choices, default=StatutSms.A_ENVOYER
    )
    # NULL until sent: unique when present (several NULLs never collide, "" would).
    provider_id = models.CharField(  # noqa: DJ001
        "identifiant fournisseur", max_length=64, null=True, unique=True
    )
    erreur_code = models.CharField("code d'erreur", max_length=20, blank=True)
    erreur = models.CharField("erreur", max_length=200, blank=True)
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    pas_avant = models.DateTimeField("pas avant", db_index=True)
    inutile_apres = models.DateTimeField("inutile après", null=True, blank=True)
    cle = models.CharField("clé d'unicité", max_length=120, null=True, unique=True)  # noqa: DJ001
    # Sent to a number that opted out (the STOP confirmation, AIDE): the only messages an
    # opt-out does not cancel.
    malgre_refus = models.BooleanField("envoyé malgré un refus de SMS", default=False)
    # Character spans of the body to mask once sent (a carnet code in a link): the spans are
    # not secret, the body is masked in place after sending.
    a_masquer = models.JSONField(default=list, blank=True, editable=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)
    statut_le = models.DateTimeField("statut reçu le", null=True, blank=True)

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "SMS"
        verbose_name_plural = "SMS"
        indexes = [
            models.Index(
                fields=["pas_avant"],
                condition=Q(statut="a_envoyer"),
                name="sms_a_envoyer_idx",
            ),
            # Issue 19 (national scale): the dashboards count messages by period.
            models.Index(fields=["cree_le"], name="sms_cree_le"),
        ]

    def __str__(self):
        return f"SMS {self.kind} #{self.pk} ({self.get_statut_display()})"


class OptOut(models.Model):
    """A number that asked for no more SMS (STOP, the espace pro or the link)."""

    telephone = models.CharField("numéro", max_length=20, unique=True)
    depuis = models.DateTimeField("depuis le", auto_now_add=True)
    canal = models.CharField("demandé par", max_length=20)

    class Meta:
        verbose_name = "refus de SMS"
        verbose_name_plural = "refus de SMS"

    def __str__(self):
        return f"Refus de SMS depuis le {self.depuis:%d/%m/%Y}"


class SmsRecu(models.Model):
    """An inbound message; handled by a task, never twice (provider id unique)."""

    wagtail_reference_index_ignore = True

    provider_id = models.CharField(max_length=64, unique=True)
    telephone = models.CharField("numéro", max_length=20)
    corps = models.TextField("message")
    recu_le = models.DateTimeField("reçu le", auto_now_add=True)
    traite_le = models.DateTimeField("traité le", null=True, blank=True)
    mot_cle = models.CharField("mot-clé reconnu", max_length=30, blank=True)

    class Meta:
        ordering = ["-recu_le"]
        verbose_name = "SMS reçu"
        verbose_name_plural = "SMS reçus"

    def __str__(self):
        return f"SMS reçu #{self.pk}"
