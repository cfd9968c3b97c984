from django.urls import path

from mitra.agreements import partner_views, views, workflow_views

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
    # The signing workflow (drafting, review, negotiation, signing, renewal).
    path("pipeline/", workflow_views.pipeline_board, name="pipeline"),
    path("clauses/", workflow_views.clause_list, name="clauses"),
    path("clauses/new/", workflow_views.ClauseFormView.as_view(), name="clause_create"),
    path(
        "clauses/<int:pk>/edit/",
        workflow_views.ClauseFormView.as_view(),
        name="clause_edit",
    ),
    path("<int:pk>/workflow/", workflow_views.WorkflowView.as_view(), name="workflow"),
    path(
        "<int:pk>/workflow/generate/",
        workflow_views.draft_generate,
        name="draft_generate",
    ),
    path(
        "<int:pk>/workflow/upload/",
        workflow_views.version_upload,
        name="version_upload",
    ),
    path("<int:pk>/workflow/compare/", workflow_views.compare, name="compare"),
    path("<int:pk>/workflow/review/", workflow_views.review_start, name="review_start"),
    path("<int:pk>/workflow/link/", workflow_views.link_send, name="link_send"),
    path(
        "<int:pk>/workflow/message/",
        workflow_views.office_message,
        name="office_message",
    ),
    path("<int:pk>/workflow/lock/", workflow_views.final_lock, name="final_lock"),
    path("<int:pk>/workflow/unlock/", workflow_views.final_unlock, name="final_unlock"),
    path("<int:pk>/sign/", workflow_views.SignView.as_view(), name="sign"),
    path("<int:pk>/renew/", workflow_views.renewal_start, name="renew"),
    path("<int:pk>/addendum/", workflow_views.AddendumView.as_view(), name="addendum"),
    path(
        "<int:pk>/amendment/", workflow_views.AmendmentView.as_view(), name="amendment"
    ),
    path(
        "<int:pk>/terminate/", workflow_views.TerminateView.as_view(), name="terminate"
    ),
    path("versions/<int:pk>/file/", workflow_views.version_file, name="version_file"),
    path("files/<int:pk>/", workflow_views.agreement_file, name="agreement_file"),
    path(
        "reviews/<int:pk>/withdraw/",
        workflow_views.review_withdraw,
        name="review_withdraw",
    ),
    path(
        "review-steps/<int:pk>/decide/",
        workflow_views.review_decide,
        name="review_decide",
    ),
    path("links/<int:pk>/revoke/", workflow_views.link_revoke, name="link_revoke"),
    # The partner's pages: no account, the link's token is the key.
    path("p/<str:token>/", partner_views.partner_page, name="partner"),
    path(
        "p/<str:token>/comment/",
        partner_views.partner_comment,
        name="partner_comment",
    ),
    path("p/<str:token>/upload/", partner_views.partner_upload, name="partner_upload"),
    path(
        "p/<str:token>/approve/",
        partner_views.partner_approve,
        name="partner_approve",
    ),
    path(
        "p/<str:token>/v<int:number>/",
        partner_views.partner_file,
        name="partner_file",
    ),
]
