from django.urls import path

from mitra.reports import (
    evaluation_views,
    indicator_views,
    lkps_views,
    ministry_views,
    output_views,
    views,
)

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/", indicator_views.indicator_list, name="indicators"),
    path("indicators/pack/", indicator_views.indicators_pack, name="indicators_pack"),
    path("indicators/<int:pk>/", indicator_views.indicator_detail, name="indicator"),
    path(
        "indicators/<int:pk>/pack/",
        indicator_views.indicator_pack,
        name="indicator_pack",
    ),
    path(
        "agreements/<int:pk>/relevance/",
        indicator_views.relevance_edit,
        name="relevance",
    ),
    path("lkps/", lkps_views.lkps, name="lkps"),
    path("ministry/", ministry_views.ministry, name="ministry"),
    path(
        "ministry/<slug:code>/settings/",
        ministry_views.rule_set_settings,
        name="rule_set_settings",
    ),
    path(
        "partners/<int:pk>/categories/",
        ministry_views.partner_categories_save,
        name="partner_categories",
    ),
    path("activities/<int:pk>/outputs/", output_views.output_add, name="output_add"),
    path("outputs/<int:pk>/delete/", output_views.output_delete, name="output_delete"),
    path("outputs/<int:pk>/file/", output_views.output_file, name="output_file"),
]

# The annual evaluation report (form FO.28.2.1).
urlpatterns += [
    path("evaluation/", evaluation_views.evaluation_list, name="evaluation_list"),
    path(
        "evaluation/<int:year>/",
        evaluation_views.EvaluationDetailView.as_view(),
        name="evaluation_detail",
    ),
    path(
        "evaluation/<int:year>/preview/",
        evaluation_views.evaluation_preview,
        name="evaluation_preview",
    ),
    path(
        "evaluation/<int:year>/issue/",
        evaluation_views.EvaluationIssueView.as_view(),
        name="evaluation_issue",
    ),
    path(
        "evaluation/<int:year>/versions/",
        evaluation_views.evaluation_versions,
        name="evaluation_versions",
    ),
]
