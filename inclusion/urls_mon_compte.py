from django.urls import path

from inclusion.views import mon_compte as views

app_name = "mon_compte"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("nom/", views.nom, name="nom"),
    path("email/", views.email, name="email"),
    path("email/confirmer/<str:token>/", views.confirm_email, name="email_confirmer"),
    path("mot-de-passe/", views.mot_de_passe, name="mot_de_passe"),
    path("deconnexion-partout/", views.sign_out_everywhere, name="deconnexion_partout"),
]
