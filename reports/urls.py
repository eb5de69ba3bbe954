from django.urls import path

from . import appeal_views, document_views, finding_views, views

app_name = "reports"

urlpatterns = [
    path("coordinator/", views.coordinator_home, name="coordinator-home"),
    path("commissioner/", views.commissioner_home, name="commissioner-home"),
    path("force/", views.liaison_home, name="liaison-home"),
    path("results/", views.results, name="results"),
    path("releases/", views.release, name="release-create"),
    path("contact-points/<int:pk>/<str:period>/", views.contact_point_results, name="contact-point-results"),
    path("findings/", finding_views.finding_list, name="finding-list"),
    path("findings/new/", finding_views.finding_create, name="finding-create"),
    path("findings/<int:pk>/", finding_views.finding_detail, name="finding-detail"),
    path("findings/<int:pk>/respond/", finding_views.finding_respond, name="finding-respond"),
    path("findings/<int:pk>/accept/", finding_views.finding_accept, name="finding-accept"),
    path("findings/<int:pk>/challenge/", finding_views.finding_challenge, name="finding-challenge"),
    path("findings/<int:pk>/close/", finding_views.finding_close, name="finding-close"),
    path("findings/<int:pk>/correct/", finding_views.finding_correct, name="finding-correct"),
    path("findings/<int:pk>/retest/", finding_views.finding_retest, name="finding-retest"),
    path("findings/<int:pk>/retest/result/", finding_views.finding_retest_result, name="finding-retest-result"),
    path("you-said-we-did/", finding_views.you_said_we_did, name="you-said-we-did"),
    path("appeals/", appeal_views.appeal_list, name="appeal-list"),
    path("appeals/new/<int:submission_pk>/", appeal_views.appeal_create, name="appeal-create"),
    path("appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal-detail"),
    path("appeals/<int:pk>/decide/", appeal_views.appeal_decide, name="appeal-decide"),
    path("appeals/<int:pk>/withdraw/", appeal_views.appeal_withdraw, name="appeal-withdraw"),
    path("appeals/<int:pk>/evidence-pack/make/", appeal_views.evidence_pack_make, name="evidence-pack-make"),
    path("appeals/<int:pk>/evidence-pack/share/", appeal_views.evidence_pack_share, name="evidence-pack-share"),
    path("appeals/<int:pk>/evidence-pack.pdf", appeal_views.evidence_pack_pdf, name="evidence-pack-pdf"),
    path("force-figures/", views.force_figures, name="force-figures"),
    path("questionnaire-health/", views.questionnaire_health, name="questionnaire-health"),
    path("documents/", document_views.document_list, name="document-list"),
    path("documents/request/", document_views.document_request, name="document-request"),
    path("documents/<int:pk>/", document_views.document_detail, name="document-detail"),
    path("documents/<int:pk>/status/", document_views.document_status, name="document-status"),
    path("documents/<int:pk>/make-again/", document_views.document_make_again, name="document-make-again"),
    path("documents/<int:pk>/pdf/", document_views.document_pdf, name="document-pdf"),
    path("documents/<int:pk>/csv/", document_views.document_csv, name="document-csv"),
    path("documents/<int:pk>/charts/<slug:name>.svg", document_views.document_chart, name="document-chart"),
]
