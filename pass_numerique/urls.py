"""Espace pro URLs of the pass numérique, mounted under /pro/pass/ (namespace "pass")."""

app_name = "pass"

urlpatterns = []
