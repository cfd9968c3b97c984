from django.urls import path

from mitra.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/mapping/", views.mapping, name="mapping"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/", views.result, name="result"),
]
