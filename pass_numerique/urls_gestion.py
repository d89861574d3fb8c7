"""Coordinators' and lieux' pages of the pass numérique (dashboards, statements), under
/pro/pass/gestion/ (namespace "pass_gestion")."""

from django.urls import path

from pass_numerique import views_gestion as views

app_name = "pass_gestion"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("programmes/<int:pk>/", views.tableau_de_bord, name="tableau_de_bord"),
    path("releves/", views.releves, name="releves"),
    path("releves/etablir/", views.build_releves, name="etablir"),
    path("releves/<int:pk>/", views.releve_detail, name="releve"),
    path("releves/<int:pk>/payer/", views.mark_releve_paid, name="payer"),
    path("releves/<int:pk>/pdf/", views.releve_pdf, name="releve_pdf"),
    path("releves/<int:pk>/csv/", views.releve_csv, name="releve_csv"),
]
