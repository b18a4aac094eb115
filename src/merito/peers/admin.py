from django.contrib import admin

from merito.peers.models import PeerMembership


@admin.register(PeerMembership)
class PeerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "state", "knowledge_area", "region", "source", "created_at"]
    list_filter = ["group", "state", "source"]
    search_fields = ["user__document_number", "user__email", "user__first_surname"]
    raw_id_fields = ["user"]
