"""Programmes, envelopes, carnets, chèques, redemptions and reimbursement statements.

Invariants live in the database: an envelope never goes below zero, a chèque is redeemed at
most once (one Encaissement per chèque), a chèque belongs to at most one statement.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pass_numerique.enums import (
    Prestation,
    StatutCarnet,
    StatutCheque,
    StatutProgramme,
    StatutReleve,
)


class ProgrammeQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(statut=StatutProgramme.ACTIF)


class Programme(models.Model):
    nom = models.CharField("nom", max_length=200)
    financeur = models.ForeignKey(
        "inclusion.Structure",
        on_delete=models.PROTECT,
        related_name="programmes_finances",
        verbose_name="financeur",
    )
    valeur_cheque = models.DecimalField(
        "valeur d'un chèque (€)", max_digits=7, decimal_places=2, default=10
    )
    cheques_par_carnet = models.PositiveSmallIntegerField("chèques par carnet", default=10)
    fin_validite = models.DateField("fin de validité")
    tolerance_jours = models.PositiveSmallIntegerField(
        "tolérance (jours)",
        default=31,
        help_text="Les chèques restent acceptés ce nombre de jours après la fin de validité.",
    )
    communes = models.ManyToManyField(
        "inclusion.Commune",
        blank=True,
        related_name="programmes",
        verbose_name="communes du périmètre",
        help_text="Communes où habitent les personnes. Vide : tout le territoire.",
    )
    lieux = models.ManyToManyField(
        "inclusion.Lieu",
        blank=True,
        related_name="programmes",
        verbose_name="lieux acceptant ce programme",
        help_text="Parmi les lieux qualifiés. Vide : tous les lieux qualifiés.",
    )
    # Kept in step with the two lists above (signals.py): a redemption reads them with the
    # programme and queries the lists only when the perimeter is restricted.
    lieux_restreints = models.BooleanField(default=False, editable=False)
    communes_restreintes = models.BooleanField(default=False, editable=False)
    anonyme_autorise = models.BooleanField(
        "carnets anonymes autorisés",
        default=False,
        help_text="Permet de délivrer un carnet sans inscrire la personne.",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=StatutProgramme.choices, default=StatutProgramme.BROUILLON
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-fin_validite", "nom"]
        verbose_name = "programme"
        verbose_name_plural = "programmes"
        constraints = [
            models.CheckConstraint(
                condition=Q(valeur_cheque__gt=0), name="programme_valeur_positive"
            ),
            models.CheckConstraint(
                condition=Q(cheques_par_carnet__gte=1, cheques_par_carnet__lte=50),
                name="programme_cheques_par_carnet_1_50",
            ),
        ]

    def __str__(self):
        return self.nom

    @property
    def date_limite(self):
        """Last day a chèque is accepted: end of validity plus the tolerance."""
        return self.fin_validite + datetime.timedelta(days=self.tolerance_jours)

    @property
    def date_alerte(self):
        return self.fin_validite - datetime.timedelta(days=30)

    @property
    def date_blocage_emission(self):
        """No new carnet is issued from this date (J-15): it would be useless."""
        return self.fin_validite - datetime.timedelta(days=15)


class EnveloppeQuerySet(models.QuerySet):
    def for_user(self, user):
        from pass_numerique.perms import structure_ids_pass

        ids = structure_ids_pass(user)
        return self if ids is None else self.filter(structure_id__in=ids)


class Enveloppe(models.Model):
    """Chèques of a programme allotted to a prescribing structure."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enveloppes")
    structure = models.ForeignKey(
        "inclusion.Structure",
        on_delete=models.PROTECT,
        related_name="enveloppes",
        verbose_name="structure prescriptrice",
    )
    nb_cheques = models.PositiveIntegerField("chèques alloués")
    nb_cheques_emis = models.PositiveIntegerField("chèques émis", default=0, editable=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = EnveloppeQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "structure__nom"]
        verbose_name = "enveloppe"
        verbose_name_plural = "enveloppes"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "structure"], name="enveloppe_unique_par_structure"
            ),
            models.CheckConstraint(
                condition=Q(nb_cheques_emis__lte=F("nb_cheques")),
                name="enveloppe_jamais_negative",
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.structure}"

    @property
    def solde(self):
        return self.nb_cheques - self.nb_cheques_emis


class CarnetQuerySet(models.QuerySet):
    def for_user(self, user):
        from pass_numerique.perms import structure_ids_pass

        ids = structure_ids_pass(user)
        return self if ids is None else self.filter(structure_id__in=ids)


class Carnet(models.Model):
    # High-volume rows that reference nothing editors manage: keep Wagtail's reference
    # index (one background task per save) out of them.
    wagtail_reference_index_ignore = True

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="carnets")
    enveloppe = models.ForeignKey(Enveloppe, on_delete=models.PROTECT, related_name="carnets")
    structure = models.ForeignKey(
        "inclusion.Structure",
        on_delete=models.PROTECT,
        related_name="carnets",
        verbose_name="structure qui a délivré le carnet",
    )
    beneficiaire = models.ForeignKey(
        "inclusion.Beneficiaire",
        on_delete=models.PROTECT,
        related_name="carnets",
        null=True,
        blank=True,
        help_text="Vide pour un carnet anonyme.",
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutCarnet.choices, default=StatutCarnet.EMIS
    )
    nb_cheques = models.PositiveSmallIntegerField("nombre de chèques")
    nb_cheques_utilises = models.PositiveSmallIntegerField(
        "chèques utilisés", default=0, editable=False
    )
    fin_validite = models.DateField("fin de validité")
    emis_le = models.DateTimeField("émis le")
    emis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    remis_le = models.DateTimeField("remis le", null=True, blank=True)
    remplace = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplacant",
        verbose_name="remplace le carnet",
    )
    demande_id = models.UUIDField(
        "identifiant de la demande", null=True, blank=True, editable=False, db_index=True
    )
    change_le = models.DateTimeField("dernier changement", auto_now=True)

    objects = CarnetQuerySet.as_manager()

    class Meta:
        ordering = ["-emis_le", "-pk"]
        verbose_name = "carnet"
        verbose_name_plural = "carnets"
        indexes = [
            models.Index(fields=["structure", "statut"], name="carnet_structure_statut"),
            # Issue 19 (national scale): a structure's carnets newest first (the list's
            # order); the dashboards' period filter.
            models.Index(fields=["structure", "-emis_le"], name="carnet_structure_emis"),
            models.Index(fields=["emis_le"], name="carnet_emis_le"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(nb_cheques_utilises__lte=F("nb_cheques")),
                name="carnet_utilises_au_plus_nb_cheques",
            ),
        ]

    def __str__(self):
        return f"Carnet n° {self.numero}"

    @property
    def numero(self):
        """A reference for staff (not a secret): the year and the id."""
        return f"{self.emis_le:%Y}-{self.pk:06d}"


class Cheque(models.Model):
    # High-volume rows that reference nothing editors manage: keep Wagtail's reference
    # index (one background task per save) out of them.
    wagtail_reference_index_ignore = True

    carnet = models.ForeignKey(Carnet, on_delete=models.PROTECT, related_name="cheques")
    rang = models.PositiveSmallIntegerField("n° dans le carnet")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    valeur = models.DecimalField("valeur (€)", max_digits=7, decimal_places=2)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutCheque.choices, default=StatutCheque.VALIDE
    )
    releve = models.ForeignKey(
        "pass_numerique.Releve",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cheques",
        verbose_name="relevé de remboursement",
    )
    change_le = models.DateTimeField("dernier changement", auto_now=True)

    class Meta:
        ordering = ["carnet", "rang"]
        verbose_name = "chèque"
        verbose_name_plural = "chèques"
        constraints = [
            models.UniqueConstraint(fields=["carnet", "rang"], name="cheque_rang_unique"),
            # On a statement means redeemed (statement à payer) or reimbursed (paid).
            models.CheckConstraint(
                condition=Q(releve__isnull=True)
                | Q(statut__in=[StatutCheque.ENCAISSE, StatutCheque.REMBOURSE]),
                name="cheque_releve_si_encaisse",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutCheque.REMBOURSE) | Q(releve__isnull=False),
                name="cheque_rembourse_par_releve",
            ),
        ]

    def __str__(self):
        return f"Chèque {self.rang} du {self.carnet}"


class Encaissement(models.Model):
    """One redemption. Append-only; the OneToOne makes a second redemption impossible."""

    # High-volume rows that reference nothing editors manage: keep Wagtail's reference
    # index (one background task per save) out of them.
    wagtail_reference_index_ignore = True

    cheque = models.OneToOneField(Cheque, on_delete=models.PROTECT, related_name="encaissement")
    lieu = models.ForeignKey(
        "inclusion.Lieu", on_delete=models.PROTECT, related_name="encaissements"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="encaissements")
    valeur = models.DecimalField("valeur (€)", max_digits=7, decimal_places=2)
    encaisse_le = models.DateTimeField("encaissé le", db_index=True)
    encaisse_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prestation = models.CharField("service rendu", max_length=20, choices=Prestation.choices)
    reference = models.CharField(
        "référence", max_length=100, blank=True, help_text="Ce que le chèque a payé."
    )
    demande_id = models.UUIDField("identifiant de la demande", unique=True)
    # One of the person's own chèques, picked by the médiateur without the paper chèque: only
    # the médiateur's word proves the service. Set once, at creation (rows are append-only).
    sans_cheque_papier = models.BooleanField(
        "sans chèque papier",
        default=False,
        db_default=False,
        help_text="Un chèque du pass de la personne, encaissé sans le chèque papier.",
    )

    class Meta:
        ordering = ["-encaisse_le"]
        verbose_name = "encaissement"
        verbose_name_plural = "encaissements"
        indexes = [
            models.Index(fields=["lieu", "programme", "encaisse_le"], name="encaissement_releve")
        ]

    def __str__(self):
        return f"{self.cheque} encaissé le {self.encaisse_le:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Un encaissement ne se modifie pas.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Un encaissement ne s'efface pas.")


class Releve(models.Model):
    """Monthly reimbursement statement of a lieu for a programme."""

    lieu = models.ForeignKey("inclusion.Lieu", on_delete=models.PROTECT, related_name="releves")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="releves")
    mois = models.DateField("mois", help_text="Premier jour du mois.")
    nb_cheques = models.PositiveIntegerField("chèques")
    montant = models.DecimalField("montant (€)", max_digits=10, decimal_places=2)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutReleve.choices, default=StatutReleve.A_PAYER
    )
    genere_le = models.DateTimeField("établi le", auto_now_add=True)
    genere_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    paye_le = models.DateField("payé le", null=True, blank=True)
    paye_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-mois", "lieu__nom"]
        verbose_name = "relevé de remboursement"
        verbose_name_plural = "relevés de remboursement"
        constraints = [
            models.UniqueConstraint(
                fields=["lieu", "programme", "mois"], name="releve_unique_par_mois"
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutReleve.A_PAYER) | Q(paye_le__isnull=False),
                name="releve_paye_date",
            ),
        ]

    def __str__(self):
        return f"Relevé {self.mois:%m/%Y} — {self.lieu} — {self.programme}"


__all__ = [
    "Carnet",
    "Cheque",
    "Encaissement",
    "Enveloppe",
    "Prestation",
    "Programme",
    "Releve",
]
