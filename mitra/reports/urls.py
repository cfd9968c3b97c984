from django.urls import path

from mitra.reports import views

app_name = "reports"
urlpatterns = [path("", views.dashboard, name="dashboard")]
