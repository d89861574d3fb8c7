import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from ateliers.models import Session
from ateliers.templatetags.ateliers_mots import places_en_mots, quand_en_mots


class SessionTable(tables.Table):
    debut = tables.Column(verbose_name="Date", order_by=("debut",))
    theme = tables.Column(verbose_name="Atelier", accessor="theme__titre")
    lieu = tables.Column(verbose_name="Lieu", accessor="lieu__nom")
    places = tables.Column(verbose_name="Places", accessor="capacite", orderable=False)
    statut = tables.Column(verbose_name="Statut")

    class Meta:
        model = Session
        fields = []
        sequence = ("debut", "theme", "lieu", "places", "statut")
        template_name = "inclusion/pro/table.html"
        empty_text = "Aucune session ne correspond à votre recherche."
        attrs = {"class": "table"}

    def render_debut(self, record):
        url = reverse("ateliers:session_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, quand_en_mots(record).capitalize())

    def render_lieu(self, record):
        return f"{record.lieu.nom} ({record.lieu.commune.nom})"

    def render_places(self, record):
        return places_en_mots(record)
