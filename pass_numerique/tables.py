import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from pass_numerique.models import Carnet


class CarnetTable(tables.Table):
    numero = tables.Column(verbose_name="Carnet", order_by=("emis_le", "pk"), accessor="pk")
    personne = tables.Column(
        verbose_name="Personne", accessor="beneficiaire__prenom", default="Carnet anonyme"
    )
    programme = tables.Column(verbose_name="Programme", accessor="programme__nom")
    statut = tables.Column(verbose_name="État")
    restants = tables.Column(verbose_name="Chèques restants", orderable=False)
    emis_le = tables.DateColumn(verbose_name="Délivré le", format="d/m/Y")
    structure = tables.Column(verbose_name="Structure", accessor="structure__nom")

    class Meta:
        model = Carnet
        fields = []
        sequence = ("numero", "personne", "programme", "statut", "restants", "emis_le", "structure")
        template_name = "inclusion/pro/table.html"
        empty_text = "Aucun carnet ne correspond à votre recherche."
        attrs = {"class": "table"}

    def render_numero(self, record):
        url = reverse("pass:carnet_detail", args=[record.pk])
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> : voir le carnet</span></a>',
            url,
            record.numero,
        )

    def render_restants(self, record):
        return f"{record.restants} sur {record.nb_cheques}"
