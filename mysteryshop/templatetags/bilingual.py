"""`{{ question|shown:"label" }}`: a scheme-written text in the page's language (see mysteryshop.bilingual)."""

from django import template

register = template.Library()


@register.filter
def shown(item, field: str):
    return item.shown(field)
