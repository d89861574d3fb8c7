import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from inclusion import enums


def nom_affiche(prenom, nom):
    """How a person's name is shown: first name, then name (a list's plain rows use it too)."""
    return f"{prenom} {nom}".strip()


class BeneficiaireQuerySet(models.QuerySet):
    def for_user(self, user):
        """Coordinators see the territory; prescripteurs and médiateurs their structures'."""
        from inclusion.perms import beneficiaire_structure_ids_for

        if not user.is_authenticated:
            return self.none()
        ids = beneficiaire_structure_ids_for(user)
        return self if ids is None else self.filter(structure_id__in=ids)


class Beneficiaire(models.Model):
    """A person far from digital. Minimal data; no account."""

    # Not edited in Wagtail: no reference-index task on each save.
    wagtail_reference_index_ignore = True

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    prenom = models.CharField("prénom", max_length=100)
    nom = models.CharField("nom", max_length=100, blank=True)
    telephone = PhoneNumberField("téléphone", blank=True, db_index=True)
    type_telephone = models.CharField(
        "type de téléphone",
        max_length=10,
        choices=enums.TypeTelephone.choices,
        default=enums.TypeTelephone.AUCUN,
        editable=False,
    )
    courriel = models.EmailField("adresse e-mail", blank=True)
    annee_naissance = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    tranche_age = models.CharField(
        "tranche d'âge",
        max_length=30,
        choices=enums.TrancheAge.choices,
        default=enums.TrancheAge.NON_COMMUNIQUE,
    )
    genre = models.CharField(
        "genre", max_length=20, choices=enums.Genre.choices, default=enums.Genre.NON_COMMUNIQUE
    )
    statut = models.CharField(
        "statut", max_length=20, choices=enums.Statut.choices, default=enums.Statut.NON_COMMUNIQUE
    )
    commune = models.ForeignKey(
        "inclusion.Commune",
        on_delete=models.PROTECT,
        related_name="beneficiaires",
        null=True,
        blank=True,
    )
    quartier = models.ForeignKey(
        "inclusion.Quartier",
        on_delete=models.PROTECT,
        related_name="beneficiaires",
        null=True,
        blank=True,
    )
    notes = models.TextField(
        "notes",
        blank=True,
        help_text="Uniquement ce qui est utile à l'accompagnement. Jamais de donnée de santé.",
    )
    consentement_sms = models.BooleanField("accepte de recevoir des SMS", default=False)
    consentement_sms_le = models.DateTimeField(
        "consentement SMS recueilli le", null=True, blank=True
    )
    consentement_sms_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="consentement recueilli par",
    )
    consentement_sms_mode = models.CharField(
        "consentement recueilli", max_length=20, choices=enums.ModeConsentement.choices, blank=True
    )
    structure = models.ForeignKey(
        "inclusion.Structure",
        on_delete=models.PROTECT,
        related_name="beneficiaires",
        verbose_name="structure qui a inscrit la personne",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("inscrit le", default=timezone.now)
    derniere_activite = models.DateTimeField("dernière activité", default=timezone.now)
    # Issue 18: retention. Anonymised files keep their row (statistics, counts) without
    # anything that identifies the person; a prescripteur may keep an inactive file longer.
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)
    conserver_jusquau = models.DateField("conservé jusqu'au", null=True, blank=True, editable=False)
    conserver_motif = models.CharField(
        "motif de conservation",
        max_length=20,
        choices=enums.MotifConservation.choices,
        blank=True,
        editable=False,
    )

    objects = BeneficiaireQuerySet.as_manager()

    class Meta:
        ordering = ["prenom", "nom", "pk"]
        verbose_name = "bénéficiaire"
        verbose_name_plural = "bénéficiaires"
        indexes = [
            models.Index(fields=["structure", "prenom"], name="benef_structure_prenom_idx"),
            # The retention sweep: files not anonymised yet, by last activity.
            models.Index(
                fields=["derniere_activite"],
                condition=Q(anonymise_le__isnull=True),
                name="benef_a_anonymiser_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(type_telephone=enums.TypeTelephone.AUCUN, telephone="")
                | (~Q(type_telephone=enums.TypeTelephone.AUCUN) & ~Q(telephone="")),
                name="benef_type_telephone_coherent",
            ),
            models.CheckConstraint(
                condition=Q(consentement_sms=False)
                | Q(consentement_sms_le__isnull=False, type_telephone=enums.TypeTelephone.MOBILE),
                name="benef_consentement_sms_date_et_mobile",
            ),
            models.CheckConstraint(
                condition=Q(annee_naissance__isnull=True)
                | Q(annee_naissance__gte=1900, annee_naissance__lte=2100),
                name="benef_annee_naissance_plausible",
            ),
        ]

    def __str__(self):
        return self.nom_affiche

    @property
    def nom_affiche(self):
        return nom_affiche(self.prenom, self.nom)

    @property
    def can_receive_sms(self):
        return self.consentement_sms and self.type_telephone == enums.TypeTelephone.MOBILE
