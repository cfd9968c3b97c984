from django.urls import path

from mitra.agreements import views

app_name = "agreements"
urlpatterns = [path("", views.agreement_list, name="list")]
