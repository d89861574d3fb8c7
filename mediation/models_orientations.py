"""Orientations: a prescripteur sends a person to a place or a workshop; the receiving place
takes it into account, accepts or refuses; nothing stays unanswered (reminders, expiry).

Imported by mediation/models.py. Every change of state is a conditional UPDATE in
mediation/services/orientations.py (two places accepting one theme orientation: one wins).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from inclusion import perms as socle
from inclusion.enums import Role
from mediation.enums_orientations import (
    ContactPrefere,
    StatutOrientation,
    TypeOrientation,
    Via,
)

BESOIN_MAX = 300  # the only free text about the person: short, no health or social details
MESSAGE_MAX = 1000


class OrientationQuerySet(models.QuerySet):
    def envoyees_par(self, user):
        """Orientations sent by the structures whose files the user follows (coordinators:
        all)."""
        ids = socle.beneficiaire_structure_ids_for(user)
        return self if ids is None else self.filter(structure_id__in=ids)

    def recues_par(self, user):
        """Orientations addressed to a place of a structure where the user is médiateur
        (coordinators: all)."""
        if socle.is_coordinateur(user):
            return self
        ids = {sid for sid, role in socle.roles_of(user) if role == Role.MEDIATEUR}
        return self.filter(destinataires__lieu__structure_id__in=ids).distinct()

    def visibles_par(self, user):
        """Either side: the sender's structure or a receiving place's."""
        if socle.is_coordinateur(user):
            return self
        envoyees = self.envoyees_par(user).values("pk")
        recues = self.recues_par(user).values("pk")
        return self.filter(Q(pk__in=envoyees) | Q(pk__in=recues))


class Orientation(models.Model):
    wagtail_reference_index_ignore = True

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField("vers", max_length=10, choices=TypeOrientation.choices)
    statut = models.CharField(
        "statut",
        max_length=20,
        choices=StatutOrientation.choices,
        default=StatutOrientation.OUVERTE,
    )
    beneficiaire = models.ForeignKey(
        "inclusion.Beneficiaire", on_delete=models.PROTECT, related_name="orientations"
    )
    structure = models.ForeignKey(
        "inclusion.Structure",
        on_delete=models.PROTECT,
        related_name="orientations_envoyees",
        verbose_name="structure qui oriente",
    )
    prescripteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orientations_envoyees",
        verbose_name="orientée par",
    )
    diagnostic = models.ForeignKey(
        "mediation.Diagnostic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations",
    )
    # The place that takes the person on: chosen by the prescripteur (lieu, session), or the
    # first place to accept (theme).
    lieu = models.ForeignKey(
        "inclusion.Lieu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
    )
    theme = models.ForeignKey(
        "ateliers.Theme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
    )
    session = models.ForeignKey(
        "ateliers.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
        verbose_name="session",
    )
    inscription = models.ForeignKey(
        "ateliers.Inscription",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations",
    )
    thematiques = models.JSONField("besoins", default=list, blank=True)
    besoin = models.CharField(
        "en quelques mots",
        max_length=BESOIN_MAX,
        blank=True,
        help_text=(
            "Ce dont la personne a besoin, en quelques mots. N'écrivez rien sur sa santé ni sa "
            "situation sociale."
        ),
    )
    contact_prefere = models.CharField(
        "comment joindre la personne",
        max_length=20,
        choices=ContactPrefere.choices,
        default=ContactPrefere.PRESCRIPTEUR,
    )
    prevenir_sms = models.BooleanField("prévenir la personne par SMS", default=False)
    cree_le = models.DateTimeField("envoyée le")

    prise_en_compte_le = models.DateTimeField("prise en compte le", null=True, blank=True)
    prise_en_compte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prise_en_compte_via = models.CharField(max_length=10, choices=Via.choices, blank=True)

    decide_le = models.DateTimeField("décision le", null=True, blank=True)
    premiere_decision_le = models.DateTimeField(null=True, blank=True, editable=False)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_via = models.CharField(max_length=10, choices=Via.choices, blank=True)
    rdv_le = models.DateTimeField("rendez-vous le", null=True, blank=True)
    rdv_lieu = models.CharField("lieu du rendez-vous", max_length=255, blank=True)
    a_apporter = models.CharField("à apporter", max_length=120, blank=True)
    motifs_refus = models.JSONField("raisons du refus", default=list, blank=True)
    message = models.TextField("message", max_length=MESSAGE_MAX, blank=True)

    termine_le = models.DateTimeField("terminée le", null=True, blank=True)
    activite = models.ForeignKey(
        "mediation.Activite",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations",
    )
    expire_le = models.DateTimeField("expirée le", null=True, blank=True)
    annule_le = models.DateTimeField("annulée le", null=True, blank=True)
    annule_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    motif_annulation = models.CharField("raison de l'annulation", max_length=200, blank=True)
    # Automatic reminders sent to the receiving places (0, 1 at D+10, 2 at D+20).
    relances = models.PositiveSmallIntegerField(default=0, editable=False)
    relance_le = models.DateTimeField("dernière relance le", null=True, blank=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = OrientationQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le", "-pk"]
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        indexes = [
            models.Index(fields=["structure", "-cree_le"], name="orientation_structure"),
            models.Index(fields=["statut", "cree_le"], name="orientation_statut"),
            models.Index(fields=["beneficiaire", "-cree_le"], name="orientation_personne"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type=TypeOrientation.LIEU) | Q(lieu__isnull=False),
                name="orientation_lieu_requis",
            ),
            models.CheckConstraint(
                condition=~Q(type=TypeOrientation.THEME) | Q(theme__isnull=False),
                name="orientation_theme_requis",
            ),
            models.CheckConstraint(
                condition=~Q(type=TypeOrientation.SESSION)
                | Q(session__isnull=False, lieu__isnull=False),
                name="orientation_session_requise",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutOrientation.ACCEPTEE)
                | Q(lieu__isnull=False, decide_le__isnull=False),
                name="orientation_acceptee_complete",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutOrientation.REFUSEE) | Q(decide_le__isnull=False),
                name="orientation_refusee_datee",
            ),
        ]

    def __str__(self):
        return f"Orientation du {self.cree_le:%d/%m/%Y}"


class Destinataire(models.Model):
    """One receiving place of an orientation, with its signed link (re-issuing raises the
    generation, so older links stop working) and, for a theme orientation sent to several
    places, its own refusal."""

    wagtail_reference_index_ignore = True

    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, related_name="destinataires"
    )
    lieu = models.ForeignKey(
        "inclusion.Lieu", on_delete=models.PROTECT, related_name="orientations_recues"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    generation = models.PositiveIntegerField(default=0, editable=False)
    lien_expire_le = models.DateTimeField("lien valable jusqu'au")
    lien_envoye_a = models.EmailField("lien envoyé à", blank=True)
    ouvert_le = models.DateTimeField("ouverte le", null=True, blank=True)
    decline_le = models.DateTimeField("refusée par ce lieu le", null=True, blank=True)
    motifs_refus = models.JSONField(default=list, blank=True)
    message = models.TextField(max_length=MESSAGE_MAX, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "lieu destinataire"
        verbose_name_plural = "lieux destinataires"
        constraints = [
            models.UniqueConstraint(fields=["orientation", "lieu"], name="destinataire_unique"),
        ]

    def __str__(self):
        return f"{self.lieu} ({self.orientation})"
