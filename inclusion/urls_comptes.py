"""Account pages open without being signed in (under /pro/compte/)."""

from django.urls import path

from inclusion.views import comptes

app_name = "comptes"

urlpatterns = [
    path("mot-de-passe-oublie/", comptes.mot_de_passe_oublie, name="mot_de_passe_oublie"),
    path("mot-de-passe-oublie/envoye/", comptes.demande_envoyee, name="demande_envoyee"),
    path(
        "nouveau-mot-de-passe/<uidb64>/<token>/",
        comptes.NouveauMotDePasseView.as_view(),
        name="nouveau_mot_de_passe",
    ),
    path("nouveau-mot-de-passe/fait/", comptes.mot_de_passe_change, name="mot_de_passe_change"),
]
