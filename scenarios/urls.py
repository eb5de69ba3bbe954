from django.urls import path

from . import views, welsh

app_name = "scenarios"

urlpatterns = [
    path("contact-points/", views.contact_point_list, name="contact-point-list"),
    path("contact-points/new/", views.contact_point_edit, name="contact-point-create"),
    path("contact-points/<int:pk>/", views.contact_point_detail, name="contact-point-detail"),
    path("contact-points/<int:pk>/edit/", views.contact_point_edit, name="contact-point-edit"),
    path("commitment-areas/", views.commitment_area_list, name="commitment-area-list"),
    path("commitment-areas/welsh/", welsh.commitment_area_welsh, name="commitment-area-welsh"),
    path("commitment-areas/<int:pk>/edit/", views.commitment_area_edit, name="commitment-area-edit"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire-create"),
    path("questionnaires/import/", views.questionnaire_import, name="questionnaire-import"),
    path("questionnaires/versions/<int:pk>/", views.questionnaire_builder, name="questionnaire-builder"),
    path("questionnaires/versions/<int:pk>/welsh/", welsh.questionnaire_welsh, name="questionnaire-welsh"),
    path("questionnaires/versions/<int:pk>/preview/", views.questionnaire_preview, name="questionnaire-preview"),
    path("questionnaires/versions/<int:pk>/export/", views.questionnaire_export, name="questionnaire-export"),
    path("questionnaires/versions/<int:pk>/new-version/", views.version_new, name="version-create"),
    path("questionnaires/versions/<int:pk>/sections/add/", views.section_add, name="section-add"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section-edit"),
    path("sections/<int:section_pk>/questions/add/", views.question_edit, name="question-add"),
    path("sections/<int:section_pk>/questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("sections/<int:pk>/move-up/", views.item_move, {"kind": "section", "direction": "up"}, name="section-move-up"),
    path(
        "sections/<int:pk>/move-down/",
        views.item_move,
        {"kind": "section", "direction": "down"},
        name="section-move-down",
    ),
    path("sections/<int:pk>/delete/", views.item_delete, {"kind": "section"}, name="section-delete"),
    path(
        "questions/<int:pk>/move-up/", views.item_move, {"kind": "question", "direction": "up"}, name="question-move-up"
    ),
    path(
        "questions/<int:pk>/move-down/",
        views.item_move,
        {"kind": "question", "direction": "down"},
        name="question-move-down",
    ),
    path("questions/<int:pk>/delete/", views.item_delete, {"kind": "question"}, name="question-delete"),
    path("", views.scenario_list, name="scenario-list"),
    path("new/", views.scenario_edit, name="scenario-create"),
    path("<int:pk>/", views.scenario_detail, name="scenario-detail"),
    path("<int:pk>/edit/", views.scenario_edit, name="scenario-edit"),
    path("<int:pk>/welsh/", welsh.scenario_welsh, name="scenario-welsh"),
    path("<int:pk>/answer-key/", views.answer_key, name="answer-key"),
    path("<int:pk>/submit/", views.scenario_submit, name="scenario-submit"),
    path("<int:pk>/approve/", views.scenario_approve, name="scenario-approve"),
    path("<int:pk>/return/", views.scenario_return, name="scenario-return"),
    path("<int:pk>/retire/", views.scenario_retire, name="scenario-retire"),
    path("<int:pk>/revise/", views.scenario_revise, name="scenario-revise"),
    path("<int:pk>/comment/", views.scenario_comment, name="scenario-comment"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suggestions/new/", views.suggestion_create, name="suggestion-create"),
]
