"""The kiosk's registered devices and the volunteers' PINs; activity records (CRA).

A device token and a PIN are never stored in clear: the token as a SHA-256 hash (it is 256
random bits), the PIN with Django's password hashers (it is only 4 to 6 digits).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from inclusion.enums import Genre, Statut, TrancheAge
from mediation.vocabulaire import (
    Autonomie,
    Niveau,
    OutilDiagnostic,
    StructureRedirection,
    TypeActivite,
    TypeLieu,
)


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


# --- Activity records (comptes rendus d'activité, La Coop's CRA) ----------------------------


class ActiviteQuerySet(models.QuerySet):
    def vivantes(self):
        """Records not deleted (tombstones stay for sync and exports)."""
        return self.filter(supprime_le__isnull=True)

    def visible_to(self, user):
        """Authors see theirs; the médiateurs of a record's structure see the structure's
        records; coordinators see all. Notes are a predicate (perms.can_see_notes), not a
        filter here."""
        from mediation.perms import structure_ids_activites

        if not getattr(user, "is_authenticated", False):
            return self.none()
        ids = structure_ids_activites(user)
        if ids is None:
            return self
        return self.filter(Q(mediateur=user) | Q(structure_id__in=ids))

    def for_list(self):
        """What a list row needs, in a constant number of queries: author, structure, place,
        commune, session and theme joined; participants (and their files) prefetched;
        nb_participants annotated."""
        from inclusion.queries import count_of

        return (
            self.select_related("mediateur", "structure", "lieu__commune", "commune")
            .select_related("session__theme")
            .prefetch_related(
                models.Prefetch(
                    "participants",
                    queryset=Participant.objects.select_related("beneficiaire", "commune"),
                )
            )
            .annotate(
                nb_participants=count_of(
                    Participant.objects.filter(activite=models.OuterRef("pk")), "activite"
                )
            )
        )


class Activite(models.Model):
    """An activity record: one accompaniment (individuel) or one workshop (collectif), stored
    with La Coop's keys (mediation.vocabulaire). Deleting leaves a tombstone: id, type, dates
    and author stay; personal content is blanked."""

    wagtail_reference_index_ignore = True

    uuid = models.UUIDField("ID CRA", default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField("type", max_length=20, choices=TypeActivite.choices)
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="activites",
        verbose_name="médiateur",
    )
    structure = models.ForeignKey(
        "inclusion.Structure", on_delete=models.PROTECT, related_name="activites"
    )
    date = models.DateField("date")
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    type_lieu = models.CharField(
        "canal", max_length=20, choices=TypeLieu.choices, default=TypeLieu.LIEU_ACTIVITE
    )
    lieu = models.ForeignKey(
        "inclusion.Lieu",
        on_delete=models.PROTECT,
        related_name="activites",
        null=True,
        blank=True,
        verbose_name="lieu d'activité",
    )
    commune = models.ForeignKey(
        "inclusion.Commune",
        on_delete=models.PROTECT,
        related_name="activites",
        null=True,
        blank=True,
    )
    thematiques = models.JSONField("thématiques", default=list)
    materiel = models.JSONField("matériel numérique utilisé", default=list, blank=True)
    autonomie = models.CharField(
        "niveau d'autonomie", max_length=30, choices=Autonomie.choices, blank=True
    )
    niveau = models.CharField(
        "niveau de l'atelier", max_length=20, choices=Niveau.choices, blank=True
    )
    titre_atelier = models.CharField("nom de l'atelier", max_length=200, blank=True)
    nom_demarche = models.CharField("nom de la démarche administrative", max_length=200, blank=True)
    reoriente = models.BooleanField("bénéficiaire réorienté", default=False)
    structure_redirection = models.CharField(
        "structure de redirection",
        max_length=40,
        choices=StructureRedirection.choices,
        blank=True,
    )
    notes = models.TextField("notes", blank=True, help_text="Visibles par vous seul.")
    session = models.ForeignKey(
        "ateliers.Session",
        on_delete=models.PROTECT,
        related_name="activites",
        null=True,
        blank=True,
    )
    encaissement = models.OneToOneField(
        "pass_numerique.Encaissement",
        on_delete=models.SET_NULL,
        related_name="activite",
        null=True,
        blank=True,
        verbose_name="chèque encaissé",
    )
    participants_anonymes = models.PositiveSmallIntegerField("participants anonymes", default=0)
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)
    modifie_le = models.DateTimeField("dernière modification le", auto_now=True)
    supprime_le = models.DateTimeField("supprimé le", null=True, blank=True)

    objects = ActiviteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "activité"
        verbose_name_plural = "activités"
        indexes = [
            models.Index(fields=["mediateur", "-date"], name="activite_mediateur_date"),
            models.Index(fields=["structure", "-date"], name="activite_structure_date"),
            # La Coop's sync: modification desc, id.
            models.Index(fields=["-modifie_le", "-id"], name="activite_modification"),
            # Issue 19 (national scale): a place's records newest first; the dashboards'
            # period filter on live records.
            models.Index(fields=["lieu", "-date"], name="activite_lieu_date"),
            models.Index(
                fields=["date"], condition=Q(supprime_le__isnull=True), name="activite_date_vivante"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duree_minutes__gte=1, duree_minutes__lte=600),
                name="activite_duree_1_600",
            ),
            models.CheckConstraint(
                condition=Q(type_lieu=TypeLieu.LIEU_ACTIVITE, lieu__isnull=False)
                | (~Q(type_lieu=TypeLieu.LIEU_ACTIVITE) & Q(lieu__isnull=True)),
                name="activite_lieu_selon_canal",
            ),
            models.CheckConstraint(
                condition=Q(reoriente=False) | ~Q(structure_redirection=""),
                name="activite_redirection_si_reoriente",
            ),
            models.CheckConstraint(
                condition=Q(
                    type=TypeActivite.INDIVIDUEL, niveau="", titre_atelier="", session__isnull=True
                )
                | Q(type=TypeActivite.COLLECTIF, autonomie=""),
                name="activite_champs_selon_type",
            ),
            # One live record per workshop session.
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(session__isnull=False, supprime_le__isnull=True),
                name="activite_une_par_session",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {self.date:%d/%m/%Y}"

    @property
    def supprimee(self):
        return self.supprime_le is not None


class Participant(models.Model):
    """One person of a record (the export has one row per participant). A named one copies
    genre, age band, status and commune from the person's file when recorded; an anonymous
    one has no file and only those."""

    wagtail_reference_index_ignore = True

    activite = models.ForeignKey(Activite, on_delete=models.CASCADE, related_name="participants")
    beneficiaire = models.ForeignKey(
        "inclusion.Beneficiaire",
        on_delete=models.PROTECT,
        related_name="participations",
        null=True,
        blank=True,
    )
    genre = models.CharField(
        "genre", max_length=20, choices=Genre.choices, default=Genre.NON_COMMUNIQUE
    )
    tranche_age = models.CharField(
        "tranche d'âge",
        max_length=30,
        choices=TrancheAge.choices,
        default=TrancheAge.NON_COMMUNIQUE,
    )
    statut_social = models.CharField(
        "statut", max_length=20, choices=Statut.choices, default=Statut.NON_COMMUNIQUE
    )
    commune = models.ForeignKey(
        "inclusion.Commune",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["activite", "pk"]
        verbose_name = "participant"
        verbose_name_plural = "participants"
        constraints = [
            models.UniqueConstraint(
                fields=["activite", "beneficiaire"],
                condition=Q(beneficiaire__isnull=False),
                name="participant_un_par_personne",
            ),
        ]

    def __str__(self):
        return f"Participant à {self.activite}"


# --- Diagnostics of digital skills -------------------------------------------------------


class Diagnostic(models.Model):
    """A diagnostic kept in a person's file: ours (what stands in the way, then a 0–3 score
    per skill area, keys in mediation/diagnostic.py), or a result typed from Pix or ABC Diag.
    Only the espace pro stores one; the kiosk's and the public site's are never saved."""

    wagtail_reference_index_ignore = True

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    beneficiaire = models.ForeignKey(
        "inclusion.Beneficiaire", on_delete=models.PROTECT, related_name="diagnostics"
    )
    structure = models.ForeignKey(
        "inclusion.Structure", on_delete=models.PROTECT, related_name="diagnostics"
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="diagnostics"
    )
    date = models.DateField("date")
    outil = models.CharField(
        "outil", max_length=20, choices=OutilDiagnostic.choices, default=OutilDiagnostic.INCLUSION
    )
    obstacles = models.JSONField("ce qui bloque", default=list, blank=True)
    scores = models.JSONField("scores par domaine", default=dict, blank=True)
    resultat_externe = models.CharField("résultat (score ou niveau)", max_length=100, blank=True)
    activite = models.OneToOneField(
        Activite,
        on_delete=models.SET_NULL,
        related_name="diagnostic",
        null=True,
        blank=True,
        verbose_name="activité comptée",
    )
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "diagnostic numérique"
        verbose_name_plural = "diagnostics numériques"
        indexes = [
            models.Index(fields=["beneficiaire", "-date"], name="diagnostic_personne_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outil=OutilDiagnostic.INCLUSION) | ~Q(resultat_externe=""),
                name="diagnostic_externe_avec_resultat",
            ),
        ]

    def __str__(self):
        return f"{self.get_outil_display()} du {self.date:%d/%m/%Y}"


# Orientations and API tokens live in their own modules (this one passed ~400 lines).
from mediation.models_api import JetonApi  # noqa: E402, F401
from mediation.models_orientations import Destinataire, Orientation  # noqa: E402, F401
from mediation.models_pilotage import InstantanePilotage, LienPartage  # noqa: E402, F401
