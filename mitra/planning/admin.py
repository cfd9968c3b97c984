from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mitra.planning.models import CooperationType


@admin.register(CooperationType)
class CooperationTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "education", "research", "community_service"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
