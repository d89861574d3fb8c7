"""The dashboards' public share links: a coordinator (or a structure) shows its figures to
elected officials or a funder without an account. The link carries a signed random key; the
page shows aggregates only, counts of people under 5 masked (mediation.pilotage.secret)."""

import uuid

from django.conf import settings
from django.db import models


class LienPartage(models.Model):
    wagtail_reference_index_ignore = True

    cle = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    titre = models.CharField("titre", max_length=150)
    # The dashboard's filters (Filtres.query(): du, au and ids), frozen at creation.
    filtres = models.JSONField(default=dict, editable=False)
    # The creator's scope at creation: None = the whole territory, else structure ids.
    structures = models.JSONField(null=True, blank=True, editable=False)
    role = models.CharField(max_length=20, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    cree_le = models.DateTimeField("créé le", editable=False)
    expire_le = models.DateField("valable jusqu'au", null=True, blank=True)
    revoque_le = models.DateTimeField("retiré le", null=True, blank=True, editable=False)
    revoque_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    consultations = models.PositiveIntegerField(default=0, editable=False)
    derniere_consultation_le = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "lien de partage du pilotage"
        verbose_name_plural = "liens de partage du pilotage"

    def __str__(self):
        return self.titre


class InstantanePilotage(models.Model):
    """The sections of one dashboard (a scope and its filters), computed by the worker where
    computing them takes too long for a page: a territory of national size reads millions of
    rows (bench/national). Small territories never get one: their pages count live.

    Written only by mediation.services.pilotage_instantanes. `donnees` is the sections encoded
    as JSON (never pickled: the database must not be able to run code)."""

    wagtail_reference_index_ignore = True

    cle = models.CharField(max_length=64, unique=True)  # the scope, the filters, the version
    portee = models.CharField(max_length=64, db_index=True)  # the scope alone
    # What the worker needs to compute it again: the filters' query, the scope.
    parametres = models.JSONField(default=dict)
    donnees = models.JSONField(null=True, blank=True)
    calcule_le = models.DateTimeField(null=True, blank=True)
    duree_ms = models.PositiveIntegerField(null=True, blank=True)
    demande_le = models.DateTimeField(null=True, blank=True)  # a computation last queued
    lu_le = models.DateTimeField(null=True, blank=True)  # a page last showed it (to the hour)
    en_calcul_depuis = models.DateTimeField(null=True, blank=True)  # a worker took it

    class Meta:
        verbose_name = "instantané du pilotage"
        verbose_name_plural = "instantanés du pilotage"

    def __str__(self):
        return f"Pilotage {self.cle[:8]}"
