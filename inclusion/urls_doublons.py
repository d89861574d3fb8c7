"""URLs (namespace "doublons")."""

app_name = "doublons"

urlpatterns = []
