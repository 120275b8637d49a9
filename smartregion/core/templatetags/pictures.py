from django import template

from smartregion.core.images import picture as picture_data

register = template.Library()


@register.inclusion_tag("includes/_picture.html")
def picture(renditions, alt, sizes="100vw", lazy=True, css_class=""):
    """<picture> with WebP and a JPEG/PNG fallback, srcset, width and height from renditions."""
    return {
        "p": picture_data(renditions),
        "alt": alt,
        "sizes": sizes,
        "lazy": lazy,
        "css_class": css_class,
    }
