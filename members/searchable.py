"""Members in the site search: what members register (smartregion/core/searchable.py).

Organisations with an active membership have rows in the index, kept by the functions of
members/sql/search_index.sql.
"""

from django.utils.translation import gettext_lazy as _

from members.models import Organisation
from smartregion.core.searchable import Kind


def public_members():
    return Organisation.objects.active_members().for_cards()


MEMBERS = Kind(
    name="member",
    slug="mitglied",
    label=_("Mitglied"),
    plural=_("Mitglieder"),
    order=30,
    public=public_members,
    title="name",
    excerpt=(),
    excerpt_html=("description_html",),
    template="members/_search_hit.html",
    sync_function="search_sync_members",
    words_function="search_member_words",
)
