from django.urls import path

from mitra.records import views

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", views.record_register, name="register"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/delete/", views.record_delete, name="delete"),
    path("<int:pk>/hold/", views.record_hold, name="hold"),
    path("<int:pk>/file/", views.record_file, name="file"),
    path("types/", views.record_types, name="types"),
    path("types/<int:pk>/edit/", views.record_type_edit, name="type_edit"),
    path("disposal/", views.disposal_index, name="disposal_index"),
    path("disposal/build/", views.disposal_build, name="disposal_build"),
    path("disposal/log/", views.disposal_log, name="disposal_log"),
    path("disposal/<int:pk>/", views.disposal_detail, name="disposal_detail"),
    path("disposal/<int:pk>/approve/", views.disposal_approve, name="disposal_approve"),
    path("disposal/<int:pk>/cancel/", views.disposal_cancel, name="disposal_cancel"),
    path("disposal/<int:pk>/archive/", views.disposal_archive, name="disposal_archive"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path(
        "policies/<int:pk>/new-version/",
        views.policy_new_version,
        name="policy_new_version",
    ),
    path("policies/<int:pk>/delete/", views.policy_delete, name="policy_delete"),
    path("policies/<int:pk>/file/", views.policy_file, name="policy_file"),
]
