from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("coordinator/", views.coordinator_home, name="coordinator-home"),
    path("commissioner/", views.commissioner_home, name="commissioner-home"),
    path("force/", views.liaison_home, name="liaison-home"),
]
