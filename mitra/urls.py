from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from mitra.public import views as public_views

urlpatterns = [
    # Visitors see the public site; logged-in staff go to their dashboard.
    path("", public_views.root, name="home"),
    path("accounts/", include("mitra.core.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("partners/", include("mitra.partners.urls")),
    path("agreements/", include("mitra.agreements.urls")),
    path("imports/", include("mitra.imports.urls")),
    path("documents/", include("mitra.documents.urls")),
    path("planning/", include("mitra.planning.urls")),
    path("proposals/", include("mitra.proposals.urls")),
    path("monitoring/", include("mitra.monitoring.urls")),
    path("surveys/", include("mitra.surveys.urls")),
    path("records/", include("mitra.records.urls")),
    path("public/", include("mitra.public.urls")),
    path("reports/", include("mitra.reports.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "mitra.core.views.page_not_found"

admin.site.site_header = "Mitra"
admin.site.site_title = "Mitra"
