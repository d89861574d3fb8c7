from django.urls import path

from inclusion.views import gestion_comptes as views

app_name = "gestion_comptes"

urlpatterns = [
    path("<int:pk>/desactiver/", views.deactivate, name="desactiver"),
    path("<int:pk>/reactiver/", views.reactivate, name="reactiver"),
]
