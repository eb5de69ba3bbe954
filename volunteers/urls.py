from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("apply/", views.apply, name="application-create"),
    path("apply/thank-you/", views.application_received, name="application-received"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    path("privacy/edit/", views.privacy_notice_edit, name="privacy-notice-edit"),
    path("home/", views.volunteer_home, name="volunteer-home"),
    path("application/", views.applicant_home, name="applicant-home"),
    path("me/", views.profile, name="profile"),
    path("me/availability/", views.availability, name="availability"),
    path("me/away/add/", views.away_add, name="away-add"),
    path("me/away/<int:pk>/delete/", views.away_delete, name="away-delete"),
    path("me/training/", views.my_training, name="my-training"),
    path("me/training/<int:pk>/book/", views.training_book, name="training-book"),
    path("me/training/<int:pk>/cancel/", views.training_cancel, name="training-cancel"),
    path("me/expenses/", views.my_expenses, name="my-expenses"),
    path("me/expenses/new/", views.expense_create, name="expense-create"),
    path("expenses/", views.expense_list, name="expense-list"),
    path("expenses/export.csv", views.expense_export, name="expense-export"),
    path("expenses/approve/", views.expense_approve_many, name="expense-approve-many"),
    path("expenses/<int:pk>/", views.expense_detail, name="expense-detail"),
    path("expenses/<int:pk>/decide/", views.expense_decide, name="expense-decide"),
    path("me/expenses/<int:pk>/correct/", views.expense_correct, name="expense-correct"),
    path("receipts/<int:pk>/", views.receipt_download, name="receipt-download"),
    path("", views.volunteer_list, name="volunteer-list"),
    path("volunteers.csv", views.volunteer_list_export, name="volunteer-list-export"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer-detail"),
    path("<int:pk>/status/", views.volunteer_transition, name="volunteer-transition"),
    path("<int:pk>/export/", views.volunteer_export, name="volunteer-export"),
    path("<int:pk>/erase/", views.volunteer_erase, name="volunteer-erase"),
    path("training/", views.training_list, name="training-list"),
    path("training/new/", views.training_create, name="training-create"),
    path("training/modules/new/", views.module_edit, name="module-create"),
    path("training/modules/<int:pk>/", views.module_edit, name="module-edit"),
    path("training/<int:pk>/", views.training_detail, name="training-detail"),
    path("training/<int:pk>/invite/", views.training_invite, name="training-invite"),
    path("training/<int:pk>/attendance/", views.training_attendance, name="training-attendance"),
]
