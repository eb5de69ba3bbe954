from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("coordinator/", views.coordinator_home, name="coordinator-home"),
    path("commissioner/", views.commissioner_home, name="commissioner-home"),
    path("force/", views.liaison_home, name="liaison-home"),
    path("results/", views.results, name="results"),
    path("releases/", views.release, name="release-create"),
    path("contact-points/<int:pk>/<str:period>/", views.contact_point_results, name="contact-point-results"),
]
