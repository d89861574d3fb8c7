"""URLs (namespace "effacement"): a file's erasure (anonymisation at once, refused under a legal hold). Issue 18."""

app_name = "effacement"

urlpatterns = []
