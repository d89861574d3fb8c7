"""Workshop catalogue (themes, parcours), sessions and registrations with a waiting list.

The seat count lives on the session row and changes under a row lock: capacity is never
exceeded and waiting-list positions never collide, whatever the concurrency.
"""

import functools
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.query import BaseIterable
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from multiselectfield import MultiSelectField

from ateliers.enums import (
    ACTIVE,
    Canal,
    Niveau,
    Public,
    StatutInscription,
    StatutSession,
    Thematique,
)
from inclusion.enums import ServiceMediation
from inclusion.queries import count_of


class Theme(models.Model):
    titre = models.CharField("titre", max_length=150)
    titre_falc = models.CharField(
        "titre facile à lire", max_length=80, help_text="Des mots simples, 8 mots au plus."
    )
    description_falc = models.TextField(
        "description facile à lire",
        help_text="Des phrases courtes (12 mots au plus), une idée par phrase, au présent.",
    )
    pictogramme = models.CharField(
        "pictogramme", max_length=60, default="computer-desktop", help_text="Nom d'une icône."
    )
    niveau = models.CharField("niveau", max_length=20, choices=Niveau.choices)
    duree_minutes = models.PositiveSmallIntegerField("durée habituelle (minutes)", default=120)
    thematiques = MultiSelectField(
        "thématiques (La Coop)", choices=Thematique.choices, max_length=600
    )
    service = models.CharField(
        "service du standard national", max_length=80, choices=ServiceMediation.choices
    )
    avec_cheque = models.BooleanField(
        "coûte un chèque pass numérique",
        default=True,
        help_text="Les personnes donnent un chèque quand elles viennent.",
    )
    actif = models.BooleanField("proposé", default=True)

    class Meta:
        ordering = ["titre"]
        verbose_name = "thème d'atelier"
        verbose_name_plural = "thèmes d'ateliers"

    def __str__(self):
        return self.titre


class Parcours(ClusterableModel):
    """An ordered series of themes, e.g. "Débuter avec le smartphone" in 4 sessions."""

    titre = models.CharField("titre", max_length=150)
    titre_falc = models.CharField("titre facile à lire", max_length=80)
    description_falc = models.TextField("description facile à lire", blank=True)
    actif = models.BooleanField("proposé", default=True)

    class Meta:
        ordering = ["titre"]
        verbose_name = "parcours"
        verbose_name_plural = "parcours"

    def __str__(self):
        return self.titre


class EtapeParcours(models.Model):
    parcours = ParentalKey(Parcours, on_delete=models.CASCADE, related_name="etapes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    ordre = models.PositiveSmallIntegerField("ordre")

    class Meta:
        ordering = ["parcours", "ordre"]
        verbose_name = "étape du parcours"
        verbose_name_plural = "étapes du parcours"
        constraints = [
            models.UniqueConstraint(fields=["parcours", "ordre"], name="etape_ordre_unique")
        ]

    def __str__(self):
        return f"{self.ordre}. {self.theme}"


@functools.cache
def attente():
    """The waiting-list size of a session, as an expression to annotate (a subquery; the
    Inscription model is defined below). Built once per process: a query resolves a copy
    of an expression, never the expression itself."""
    return count_of(
        Inscription.objects.filter(session=OuterRef("pk"), statut=StatutInscription.EN_ATTENTE),
        "session",
    )


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sessions of the lieux of the user's structures (médiateurs, prescripteurs); all
        for coordinators."""
        from ateliers.perms import structure_ids_ateliers

        ids = structure_ids_ateliers(user)
        return self if ids is None else self.filter(lieu__structure_id__in=ids)

    def a_venir(self, now=None):
        """Planned sessions that have not started: the ones a person can still register to
        (the registration service refuses a session whose start is now or past)."""
        from django.utils import timezone

        return self.filter(statut=StatutSession.PLANIFIEE, debut__gt=now or timezone.now())

    def visible_to(self, user, now=None):
        """The sessions of the user's lieux (all of them), and every planned upcoming session
        of the territory (to register people there)."""
        return self.for_user(user) | self.a_venir(now)

    def with_attente(self):
        """nb_attente: the waiting-list size of each session."""
        return self.annotate(nb_attente=attente())

    def for_display(self):
        """What a session card needs, in the same query: theme, place, waiting-list size.
        The waiting list is counted in a subquery, not with a join and GROUP BY: Django drops
        the model's ordering (by start time) from GROUP BY queries, so "the next 5" would be
        any 5."""
        return self.select_related("theme", "lieu__commune", "lieu__quartier").with_attente()

    def for_table(self):
        """The sessions list's rows (ateliers.tables.SessionTable): what its cells show, as
        named tuples, without a model instance per row."""
        return self.with_attente()._as_rows(LIGNES_TABLE)

    def for_choice(self, beneficiaire):
        """The choice of a session for a person (ateliers/pro/inscrire_personne.html): what a
        card shows and whether the person is already registered or waiting (deja_inscrit),
        as named tuples read in one query."""
        deja = Inscription.objects.filter(
            session=OuterRef("pk"),
            beneficiaire=beneficiaire,
            statut__in=(StatutInscription.INSCRIT, StatutInscription.EN_ATTENTE),
        )
        return self.with_attente().annotate(deja_inscrit=Exists(deja))._as_rows(LIGNES_CHOIX)

    def _as_rows(self, iterable_class):
        # values_list(named=True) at iteration only: count() stays this queryset's, without
        # the joins the rows read (they change no count: the foreign keys are not null).
        clone = self._chain()
        clone._iterable_class = iterable_class
        return clone


@functools.cache
def _rows_of(*fields):
    class Rows(BaseIterable):
        def __iter__(self):
            return iter(self.queryset.values_list(*fields, named=True))

    return Rows


# What a row of the sessions list shows; a card of the choice adds the quartier and whether
# the person is already there.
CHAMPS_TABLE = (
    "pk",
    "debut",
    "fin",
    "capacite",
    "nb_inscrits",
    "statut",
    "theme__titre",
    "lieu__nom",
    "lieu__commune__nom",
    "nb_attente",
)
LIGNES_TABLE = _rows_of(*CHAMPS_TABLE)
LIGNES_CHOIX = _rows_of(*CHAMPS_TABLE, "lieu__quartier__nom", "deja_inscrit")


class Session(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="sessions")
    lieu = models.ForeignKey(
        "inclusion.Lieu", on_delete=models.PROTECT, related_name="sessions_ateliers"
    )
    debut = models.DateTimeField("début", db_index=True)
    fin = models.DateTimeField("fin")
    capacite = models.PositiveSmallIntegerField("nombre de places")
    animateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="sessions_animees", verbose_name="animateurs"
    )
    public = models.CharField(
        "public", max_length=30, choices=Public.choices, default=Public.TOUT_PUBLIC
    )
    notes_accessibilite = models.CharField(
        "accessibilité", max_length=300, blank=True, help_text="Ascenseur, boucle magnétique…"
    )
    statut = models.CharField(
        "statut", max_length=20, choices=StatutSession.choices, default=StatutSession.PLANIFIEE
    )
    # Seats held (inscrit or présent) and the last waiting-list number given; both change
    # only under the session's row lock (services/registrations.py).
    nb_inscrits = models.PositiveSmallIntegerField("places prises", default=0, editable=False)
    dernier_rang_attente = models.PositiveIntegerField(default=0, editable=False)
    serie = models.UUIDField(
        "série", null=True, blank=True, editable=False, help_text="Sessions créées ensemble."
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    motif_annulation = models.CharField("motif d'annulation", max_length=200, blank=True)
    ical_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["debut"]
        verbose_name = "session d'atelier"
        verbose_name_plural = "sessions d'ateliers"
        indexes = [models.Index(fields=["lieu", "debut"], name="session_lieu_debut")]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=F("debut")), name="session_fin_apres_debut"),
            models.CheckConstraint(
                condition=Q(capacite__gte=1, capacite__lte=200), name="session_capacite_1_200"
            ),
        ]

    def __str__(self):
        return f"{self.theme} — {self.debut:%d/%m/%Y %H:%M}"

    @property
    def places_libres(self):
        return max(self.capacite - self.nb_inscrits, 0)


class InscriptionQuerySet(models.QuerySet):
    def actives(self):
        return self.filter(statut__in=ACTIVE)

    def en_attente(self):
        return self.filter(statut=StatutInscription.EN_ATTENTE).order_by("rang_attente")


class Inscription(models.Model):
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="inscriptions")
    beneficiaire = models.ForeignKey(
        "inclusion.Beneficiaire", on_delete=models.PROTECT, related_name="inscriptions"
    )
    statut = models.CharField("statut", max_length=20, choices=StatutInscription.choices)
    rang_attente = models.PositiveIntegerField("rang sur la liste d'attente", null=True)
    surbooking = models.BooleanField("place ajoutée en plus de la capacité", default=False)
    canal = models.CharField("inscrit depuis", max_length=20, choices=Canal.choices)
    inscrit_le = models.DateTimeField("inscrit le")
    inscrit_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    promu_le = models.DateTimeField("sorti de la liste d'attente le", null=True, blank=True)
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    annule_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    annule_par_la_personne = models.BooleanField(default=False)
    presence_le = models.DateTimeField("présence notée le", null=True, blank=True)
    encaissement = models.OneToOneField(
        "pass_numerique.Encaissement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inscription",
        verbose_name="chèque encaissé",
    )

    objects = InscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["session", "statut", "rang_attente", "inscrit_le"]
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        constraints = [
            # One seat (or waiting place) per person and session.
            models.UniqueConstraint(
                fields=["session", "beneficiaire"],
                condition=Q(statut__in=ACTIVE),
                name="inscription_une_par_personne",
            ),
            models.UniqueConstraint(
                fields=["session", "rang_attente"],
                condition=Q(statut=StatutInscription.EN_ATTENTE),
                name="inscription_rang_attente_unique",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutInscription.EN_ATTENTE) | Q(rang_attente__isnull=False),
                name="inscription_attente_a_un_rang",
            ),
        ]

    def __str__(self):
        return f"{self.beneficiaire} — {self.session}"


__all__ = [
    "CalendrierMediateur",
    "EtapeParcours",
    "Inscription",
    "Parcours",
    "Session",
    "Theme",
    "Canal",
]


class CalendrierMediateur(models.Model):
    """The private iCal feed of a médiateur: a random token in the URL, revocable.

    Regenerating replaces the token (the old URL stops working at once); revoking keeps the
    row with `revoque_le` set, and the feed answers 404.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendrier_ateliers",
        verbose_name="médiateur",
    )
    token = models.CharField("jeton", max_length=64, unique=True)
    cree_le = models.DateTimeField("créé le")
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "calendrier privé"
        verbose_name_plural = "calendriers privés"

    def __str__(self):
        return f"Calendrier de {self.user}"

    @property
    def actif(self):
        return self.revoque_le is None
