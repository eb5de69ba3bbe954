from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("home/", views.volunteer_home, name="volunteer-home"),
    path("application/", views.applicant_home, name="applicant-home"),
]
