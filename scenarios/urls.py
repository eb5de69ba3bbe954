from django.urls import path  # noqa: F401  (routes arrive with the scenarios capability)

app_name = "scenarios"

urlpatterns: list = []
