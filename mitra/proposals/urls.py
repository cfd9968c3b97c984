from django.urls import path

from mitra.proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.ProposalListView.as_view(), name="list"),
    path("new/", views.ProposalFormView.as_view(), name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.ProposalFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.proposal_delete, name="delete"),
    path("<int:pk>/step/<slug:step>/", views.proposal_step, name="step"),
    path("<int:pk>/analysis/", views.proposal_analysis, name="analysis"),
    path("<int:pk>/reviewers/", views.proposal_reviewers, name="reviewers"),
    path("<int:pk>/decide/", views.proposal_decide, name="decide"),
    path("<int:pk>/tor/", views.tor_file, name="tor_file"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path(
        "attachments/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("rubric/", views.rubric, name="rubric"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_form, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", views.call_form, name="call_edit"),
    path("calls/<int:pk>/decline/", views.call_decline, name="call_decline"),
    path(
        "calls/<int:pk>/decline/<int:decline_pk>/undo/",
        views.call_decline_undo,
        name="call_decline_undo",
    ),
    # The public site: no account needed.
    path("propose/", views.public_create, name="public_create"),
    path("propose/thanks/", views.public_thanks, name="public_thanks"),
    path("propose/link/", views.public_link, name="public_link"),
    path("follow/<str:token>/", views.public_status, name="public_status"),
    path("follow/<str:token>/revise/", views.public_revise, name="public_revise"),
]
