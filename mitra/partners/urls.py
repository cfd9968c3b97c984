from django.urls import path

from mitra.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("new/", views.partner_create, name="create"),
    path("name-check/", views.name_check, name="name_check"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/", views.partner_detail, name="detail"),
    path("<int:pk>/edit/", views.partner_edit, name="edit"),
    path("<int:pk>/aliases/", views.alias_add, name="alias_add"),
    path(
        "<int:pk>/aliases/<int:alias_pk>/remove/",
        views.alias_remove,
        name="alias_remove",
    ),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/merge/<int:other_pk>/", views.merge, name="merge"),
    path("<int:pk>/not-duplicate/<int:other_pk>/", views.dismiss, name="dismiss"),
    path("<int:pk>/merges/<int:merge_pk>/", views.merge_detail, name="merge_detail"),
]
