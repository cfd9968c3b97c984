from django.urls import path

from mitra.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/contacts/", views.round_contacts, name="round_contacts"),
    path("rounds/<int:pk>/open/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/delete/", views.round_delete, name="round_delete"),
    path("rounds/<int:pk>/results/", views.round_results, name="round_results"),
    path("rounds/<int:pk>/responses/", views.round_responses, name="round_responses"),
    path(
        "invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:pk>/remove/",
        views.invitation_remove,
        name="invitation_remove",
    ),
    path("instruments/", views.instrument_list, name="instrument_list"),
    path("instruments/new/", views.instrument_create, name="instrument_create"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/edit/", views.instrument_edit, name="instrument_edit"),
    path("instruments/<int:pk>/copy/", views.instrument_copy, name="instrument_copy"),
    path(
        "instruments/<int:pk>/delete/",
        views.instrument_delete,
        name="instrument_delete",
    ),
    path("instruments/<int:pk>/aspects/new/", views.aspect_form, name="aspect_create"),
    path(
        "instruments/<int:pk>/aspects/<int:aspect_pk>/",
        views.aspect_form,
        name="aspect_edit",
    ),
    path(
        "instruments/<int:pk>/aspects/<int:aspect_pk>/delete/",
        views.aspect_delete,
        name="aspect_delete",
    ),
    path("instruments/<int:pk>/items/new/", views.item_form, name="item_create"),
    path(
        "instruments/<int:pk>/items/<int:item_pk>/",
        views.item_form,
        name="item_edit",
    ),
    path(
        "instruments/<int:pk>/items/<int:item_pk>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    # The partner's side, reached through the link in the email.
    path("s/<str:token>/", views.answer, name="answer"),
    path("answered/", views.thanks, name="thanks"),
]
