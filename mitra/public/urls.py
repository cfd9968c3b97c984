from django.urls import path

from mitra.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("partners/", views.partner_list, name="partners"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:pk>/download/", views.policy_file, name="policy_file"),
]
