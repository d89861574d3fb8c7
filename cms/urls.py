"""Public routes of the CMS outside the page tree (mounted at the root in inclusion/urls.py)."""

app_name = "cms"

urlpatterns = []
