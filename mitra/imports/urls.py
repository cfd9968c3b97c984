from django.urls import path

from mitra.imports import views

app_name = "imports"
urlpatterns = [path("", views.upload, name="upload")]
