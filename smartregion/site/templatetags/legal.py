from django import template

from smartregion.site.models import LegalInformation

register = template.Library()


@register.inclusion_tag("admin/_legal_warnings.html", takes_context=True)
def legal_warnings(context):
    """The required legal particulars still empty, for the admin index (staff only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(user, "is_staff", False):
        return {"missing": []}
    return {
        "missing": LegalInformation.load().missing(),
        "can_change": user.has_perm("site.change_legalinformation"),
    }
