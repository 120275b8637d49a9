from django import template

from smartregion.core import moderation

register = template.Library()


@register.inclusion_tag("admin/_moderation_queues.html")
def moderation_queues():
    return {"queues": moderation.waiting()}
