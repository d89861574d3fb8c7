"""Second factor of the sign-in (under /pro/double-facteur/). A session that has not passed
it yet reaches these pages only (inclusion.double_facteur.DoubleFacteurMiddleware)."""

from django.urls import path

from inclusion.views import double_facteur

app_name = "double_facteur"

urlpatterns = [
    path("", double_facteur.gestion, name="gerer"),
    path("activer/", double_facteur.activation, name="activer"),
    path("codes/", double_facteur.codes, name="codes"),
    path("codes/codes-de-secours.txt", double_facteur.codes_texte, name="codes_texte"),
    path("codes/nouveaux/", double_facteur.regenerate_codes, name="nouveaux_codes"),
    path("arreter/", double_facteur.remove, name="arreter"),
    path("verifier/", double_facteur.verification, name="verifier"),
    path("telephone-perdu/", double_facteur.telephone_perdu, name="perdu"),
    path("<int:pk>/reinitialiser/", double_facteur.reinitialisation, name="reinitialiser"),
]
