"""The kiosk for volontaires (/kiosque/)."""

app_name = "kiosque"

urlpatterns = []
