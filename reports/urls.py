from django.urls import path

from . import document_views, views

app_name = "reports"

urlpatterns = [
    path("coordinator/", views.coordinator_home, name="coordinator-home"),
    path("commissioner/", views.commissioner_home, name="commissioner-home"),
    path("force/", views.liaison_home, name="liaison-home"),
    path("documents/", document_views.document_list, name="document-list"),
    path("documents/request/", document_views.document_request, name="document-request"),
    path("documents/<int:pk>/", document_views.document_detail, name="document-detail"),
    path("documents/<int:pk>/status/", document_views.document_status, name="document-status"),
    path("documents/<int:pk>/make-again/", document_views.document_make_again, name="document-make-again"),
    path("documents/<int:pk>/pdf/", document_views.document_pdf, name="document-pdf"),
    path("documents/<int:pk>/csv/", document_views.document_csv, name="document-csv"),
    path("documents/<int:pk>/charts/<slug:name>.svg", document_views.document_chart, name="document-chart"),
]
