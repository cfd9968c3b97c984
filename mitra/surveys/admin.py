"""Read-only admin pages: surveys are run from Mitra's own pages.

Responses and answers are not listed here at all, so the admin can never
show who answered what in an anonymous round; link hashes are not shown.
"""

from django.contrib import admin

from mitra.core.admin import ReadOnlyAdmin
from mitra.surveys.models import Instrument, Invitation, Round


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ["name", "created_at"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "status", "opens_on", "closes_on", "anonymous"]
    list_filter = ["status", "year", "anonymous"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "round", "sent_at", "responded", "revoked_at"]
    list_filter = ["round", "responded"]
    list_select_related = ["round"]
