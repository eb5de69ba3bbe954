from django.urls import path

from . import capture_views, views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("new/", views.visit_create, name="visit-create"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("<int:pk>/edit/", views.visit_edit, name="visit-edit"),
    path("<int:pk>/assign/", views.visit_assign, name="visit-assign"),
    path("<int:pk>/suggest-pair/", views.visit_suggest, name="visit-suggest"),
    path("<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("<int:pk>/done/", views.visit_complete, name="visit-complete"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/confirm/", views.plan_confirm, name="plan-confirm"),
    path("plans/<int:pk>/suggest-pairs/", views.plan_fill, name="plan-fill"),
    path("plans/<int:pk>/discard/", views.plan_discard, name="plan-discard"),
    path("coverage/", views.coverage, name="coverage"),
    path("conflicts/", views.conflict_list, name="conflict-list"),
    path("mine/", views.my_visits, name="my-visits"),
    path("mine/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("mine/<int:pk>/accept/", views.assignment_accept, name="assignment-accept"),
    path("mine/<int:pk>/decline/", views.assignment_decline, name="assignment-decline"),
    path("mine/<int:pk>/expenses/", views.assignment_expense, name="assignment-expense"),
    path("mine/<int:pk>/calendar.ics", views.assignment_calendar, name="assignment-calendar"),
    path("mine/<int:pk>/report/", capture_views.report_section, name="report-start"),
    path("mine/<int:pk>/report/page-<int:number>/", capture_views.report_section, name="report-section"),
    path("mine/<int:pk>/report/page-<int:number>/autosave/", capture_views.report_autosave, name="report-autosave"),
    path("mine/<int:pk>/report/check/", capture_views.report_check, name="report-check"),
    path("mine/<int:pk>/report/send/", capture_views.report_submit, name="report-submit"),
    path("mine/<int:pk>/report/photos/", capture_views.evidence_add, name="evidence-add"),
    path("photos/<int:pk>/", capture_views.evidence_file, name="evidence-file"),
    path("reports/", capture_views.review_queue, name="review-queue"),
    path("reports/<int:pk>/", capture_views.review_detail, name="review-detail"),
    path("reports/<int:pk>/approve/", capture_views.review_approve, name="review-approve"),
    path("reports/<int:pk>/return/", capture_views.review_return, name="review-return"),
    path("answers/<int:pk>/review/", capture_views.answer_review, name="answer-review"),
]
