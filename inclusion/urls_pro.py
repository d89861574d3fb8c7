from django.contrib.auth import views as auth_views
from django.urls import path

from inclusion.views import pro
from inclusion.views import sms as sms_views

app_name = "pro"

urlpatterns = [
    path("", pro.accueil, name="accueil"),
    path("connexion/", pro.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("beneficiaires/", pro.beneficiaire_list, name="beneficiaire_list"),
    path("beneficiaires/nouveau/", pro.beneficiaire_create, name="beneficiaire_create"),
    path("beneficiaires/<uuid:uuid>/", pro.beneficiaire_detail, name="beneficiaire_detail"),
    path(
        "beneficiaires/<uuid:uuid>/modifier/",
        pro.beneficiaire_update,
        name="beneficiaire_update",
    ),
    path("beneficiaires/<uuid:uuid>/sms/refus/", sms_views.refus, name="sms_refus"),
    path(
        "beneficiaires/<uuid:uuid>/sms/reautoriser/",
        sms_views.allow_sms_again,
        name="sms_reautoriser",
    ),
    path("sms/statistiques/", sms_views.statistiques, name="sms_statistiques"),
]
