"""URLs (namespace "jetons"): the coordinators' screen of the funders' API tokens."""

app_name = "jetons"

urlpatterns = []
