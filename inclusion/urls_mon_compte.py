from django.urls import path  # noqa: F401

app_name = "mon_compte"

urlpatterns = []
