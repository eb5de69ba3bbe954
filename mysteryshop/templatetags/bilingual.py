"""`{{ question|shown:"label" }}`: a scheme-written text in the page's language (see mysteryshop.bilingual)."""

from django import template

register = template.Library()


@register.filter
def shown(item, field: str):
    """The text in the page's language; nothing for a variable that is missing, as Django shows any such."""
    if item in (None, ""):
        return ""
    return item.shown(field)
