"""URLs of the attendance page (namespace "emargement"), under /pro/ateliers/emargement/."""

from django.urls import path

from ateliers.views import emargement as views

app_name = "emargement"

urlpatterns = [
    path("session/<int:pk>/", views.session_emargement, name="session"),
    path("session/<int:pk>/presence/<int:inscription_pk>/", views.presence, name="presence"),
    path("session/<int:pk>/cheque/<int:inscription_pk>/", views.cheque, name="cheque"),
    path("session/<int:pk>/ajouter/", views.add_walk_in, name="ajouter"),
    path("session/<int:pk>/nouvelle-personne/", views.add_new_walk_in, name="creer"),
    path("session/<int:pk>/cloturer/", views.close_session, name="cloturer"),
]
