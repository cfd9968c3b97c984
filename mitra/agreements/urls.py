from django.urls import path

from mitra.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementListView.as_view(), name="list"),
    path("expiring/", views.ExpiringListView.as_view(), name="expiring"),
    path("new/", views.AgreementCreateView.as_view(), name="create"),
    path("proposed-number/", views.proposed_number, name="proposed_number"),
    path("<int:pk>/", views.AgreementDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.AgreementUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.AgreementDeleteView.as_view(), name="delete"),
    path("<int:pk>/signed.pdf", views.signed_file, name="signed_file"),
    path(
        "<int:agreement_pk>/activities/new/",
        views.ActivityFormView.as_view(),
        name="activity_create",
    ),
    path("activities/<int:pk>/", views.ActivityDetailView.as_view(), name="activity"),
    path(
        "activities/<int:pk>/edit/",
        views.ActivityFormView.as_view(),
        name="activity_edit",
    ),
    path(
        "activities/<int:pk>/delete/",
        views.ActivityDeleteView.as_view(),
        name="activity_delete",
    ),
    path("activities/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
