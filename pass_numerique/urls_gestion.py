"""Coordinators' and lieux' pages of the pass numérique (dashboards, statements), under
/pro/pass/gestion/ (namespace "pass_gestion")."""

app_name = "pass_gestion"

urlpatterns = []
