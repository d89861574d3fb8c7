"""URLs of the activity records (namespace "activites"), under /pro/activites/."""

from django.urls import path

from mediation.views import activites, activites_fiche

app_name = "activites"

urlpatterns = [
    path("", activites.activity_list, name="liste"),
    path("nouvelle/", activites.record_individual, name="nouvelle"),
    path("nouvelle/<uuid:uuid>/", activites.record_individual, name="nouvelle_personne"),
    path("atelier/<int:pk>/", activites.record_workshop, name="atelier"),
    path("<uuid:uuid>/", activites_fiche.activity_detail, name="detail"),
    path("<uuid:uuid>/modifier/", activites_fiche.edit_activity, name="modifier"),
    path("<uuid:uuid>/supprimer/", activites_fiche.delete_activity, name="supprimer"),
    path("<uuid:uuid>/cheque/", activites_fiche.link_cheque, name="lier_cheque"),
]
