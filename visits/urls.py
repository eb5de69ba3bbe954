from django.urls import path  # noqa: F401  (routes arrive with the visits capability)

app_name = "visits"

urlpatterns: list = []
