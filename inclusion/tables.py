import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from inclusion.models import Beneficiaire


class BeneficiaireTable(tables.Table):
    nom_affiche = tables.Column(
        verbose_name="Personne", order_by=("prenom", "nom"), accessor="prenom"
    )
    telephone = tables.Column(verbose_name="Téléphone", orderable=False, default="Pas de téléphone")
    commune = tables.Column(verbose_name="Commune", accessor="commune__nom")
    quartier = tables.Column(verbose_name="Quartier", accessor="quartier__nom")
    tranche_age = tables.Column(verbose_name="Âge")
    consentement_sms = tables.BooleanColumn(verbose_name="SMS", yesno="Oui,Non")
    derniere_activite = tables.DateColumn(verbose_name="Dernière activité", format="d/m/Y")

    class Meta:
        model = Beneficiaire
        fields = []
        sequence = (
            "nom_affiche",
            "telephone",
            "commune",
            "quartier",
            "tranche_age",
            "consentement_sms",
            "derniere_activite",
        )
        template_name = "inclusion/pro/table.html"
        empty_text = "Aucune personne ne correspond à votre recherche."
        attrs = {"class": "table"}

    def render_nom_affiche(self, record):
        url = reverse("pro:beneficiaire_detail", args=[record.uuid])
        return format_html('<a href="{}">{}</a>', url, record.nom_affiche)

    def render_telephone(self, record):
        if not record.telephone:
            return "Pas de téléphone"
        label = record.telephone.as_national
        if record.type_telephone == "fixe":
            return format_html('{} <span class="badge">fixe</span>', label)
        return label
