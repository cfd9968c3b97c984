from django.urls import path

from mitra.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.workspace_current, name="index"),
    path("workspace/<int:year>/", views.workspace, name="workspace"),
    # Cooperation types
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_create, name="type_create"),
    path("types/<int:pk>/edit/", views.type_edit, name="type_edit"),
    # Needs mapping
    path("mapping/", views.mapping_list, name="mapping_list"),
    path("mapping/<int:year>/", views.mapping_detail, name="mapping"),
    path(
        "mapping/<int:year>/units/<int:unit_pk>/",
        views.mapping_fill,
        name="mapping_fill",
    ),
    path(
        "mapping/<int:year>/instructions/",
        views.mapping_instructions,
        name="mapping_instructions",
    ),
    path("mapping/<int:year>/issue/", views.mapping_issue, name="mapping_issue"),
    path(
        "mapping/<int:year>/new-version/",
        views.mapping_new_version,
        name="mapping_new_version",
    ),
    # Targets
    path("targets/", views.target_years, name="target_years"),
    path("targets/<int:year>/", views.targets_page, name="targets"),
    path("targets/<int:year>/new/", views.target_create, name="target_create"),
    path("targets/<int:year>/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path(
        "targets/<int:year>/<int:pk>/delete/",
        views.target_delete,
        name="target_delete",
    ),
    path("targets/<int:year>/copy/", views.targets_copy, name="targets_copy"),
    path("targets/<int:year>/approve/", views.targets_approve, name="targets_approve"),
    # Meetings and minutes
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/approve/", views.minutes_approve, name="minutes_approve"),
    path(
        "meetings/<int:pk>/new-version/",
        views.minutes_new_version,
        name="minutes_new_version",
    ),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    # The annual programme
    path("programme/", views.programme_list, name="programme_list"),
    path("programme/<int:year>/", views.programme_detail, name="programme"),
    path("programme/<int:year>/edit/", views.programme_edit, name="programme_edit"),
    path("programme/<int:year>/items/new/", views.item_create, name="item_create"),
    path(
        "programme/<int:year>/from-proposals/",
        views.programme_from_proposals,
        name="programme_from_proposals",
    ),
    path(
        "programme/<int:year>/from-target/<int:target_pk>/",
        views.programme_from_target,
        name="programme_from_target",
    ),
    path(
        "programme/<int:year>/approve/",
        views.programme_approve,
        name="programme_approve",
    ),
    path(
        "programme/<int:year>/new-version/",
        views.programme_new_version,
        name="programme_new_version",
    ),
    path("programme/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("programme/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("programme/items/<int:pk>/status/", views.item_status, name="item_status"),
    # Multi-year plans
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/file/", views.plan_file, name="plan_file"),
]
