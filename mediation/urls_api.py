"""URLs (namespace "api"): the public read API, version 1, its OpenAPI description and its
documentation page. Every one is public (login_not_required); the activities ask a token."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from inclusion.db_router import keep_on_primary, replica_view
from mediation.views import api as views

app_name = "api"


# Read-only: read from the replica when there is one; tokens (revoked at once) on the primary.
keep_on_primary("mediation.jetonapi")


def public(view):
    # DRF class views: the decorators go on the as_view() result.
    return replica_view(login_not_required(view))


urlpatterns = [
    path("", public(views.documentation_page), name="documentation"),
    path("schema/", public(views.SchemaView.as_view()), name="schema"),
    path("lieux/", public(views.LieuxView.as_view()), name="lieux"),
    # str, not uuid: a malformed id gets the API's JSON 404, not the site's HTML one.
    path("lieux/<str:uuid>/", public(views.LieuView.as_view()), name="lieu"),
    path("themes/", public(views.ThemesView.as_view()), name="themes"),
    path("sessions/", public(views.SessionsView.as_view()), name="sessions"),
    path("jeux-de-donnees/", public(views.RessourcesView.as_view()), name="jeux_de_donnees"),
    path("activites/", public(views.ActivitesView.as_view()), name="activites"),
]
