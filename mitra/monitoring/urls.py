from django.urls import path

from mitra.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.RoundOpenView.as_view(), name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.RoundEditView.as_view(), name="round_edit"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path(
        "rounds/<int:pk>/add-entries/",
        views.round_add_entries,
        name="round_add_entries",
    ),
    path(
        "rounds/<int:pk>/delete/", views.RoundDeleteView.as_view(), name="round_delete"
    ),
    path("rounds/<int:pk>/recap/", views.round_recap, name="recap"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.EntryEditView.as_view(), name="entry_edit"),
    path("entries/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("dormant/", views.dormant_list, name="dormant"),
    path("overdue/", views.overdue, name="overdue"),
]
