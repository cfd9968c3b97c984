from django.urls import path

from mitra.documents import views

app_name = "documents"
urlpatterns = [
    path("forms/", views.form_list, name="forms"),
    path("forms/letterhead/", views.LetterheadView.as_view(), name="letterhead"),
    path("forms/letterhead/logo/", views.letterhead_logo, name="letterhead_logo"),
    path("forms/<slug:code>/", views.FormDetailView.as_view(), name="form_detail"),
    path(
        "forms/<slug:code>/number/", views.FormNumberView.as_view(), name="form_number"
    ),
    path(
        "forms/<slug:code>/upload/",
        views.FormTemplateUploadView.as_view(),
        name="form_upload",
    ),
    path(
        "forms/<slug:code>/activate/",
        views.form_template_activate,
        name="form_activate",
    ),
    path(
        "forms/<slug:code>/default.docx",
        views.form_default_file,
        name="form_default",
    ),
    path(
        "templates/<int:pk>/file/",
        views.form_template_file,
        name="form_template_file",
    ),
    path("print/<slug:code>/<int:pk>/", views.print_form, name="print"),
    path(
        "agreements/<int:pk>/summary/",
        views.agreement_summary,
        name="agreement_summary",
    ),
    path(
        "issued/<slug:app_label>/<slug:model_name>/<int:object_id>/",
        views.issued_list,
        name="issued_list",
    ),
    path("issued/<int:pk>/", views.issued_detail, name="issued_detail"),
    path("issued/<int:pk>/file/", views.issued_file, name="issued_file"),
]
