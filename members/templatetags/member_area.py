"""``{% render_section section %}``: a section registered in members/area.py, on a members page."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """Render ``section.template`` as ``{% include %}`` would, with ``section.context`` on top."""
    included = context.template.engine.get_template(section.template)
    with context.push(section.context):
        return included.render(context)
