from django import template

from smartregion.core import staff

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_continue_url(context) -> str:
    """The admin page a staff account continues to, or "" for everybody else."""
    request = context["request"]
    return staff.continue_url(request) if staff.is_staff_account(request.user) else ""
