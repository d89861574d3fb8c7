"""URLs (namespace "conservation"): the prescripteurs' notice of files soon anonymised, and "garder encore". Issue 18."""

app_name = "conservation"

urlpatterns = []
