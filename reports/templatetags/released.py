"""`{{ visit.starts_at|released_visit_date }}`: a released visit's date as the force sees it (`reports.released`)."""

from django import template

from reports import released

register = template.Library()


@register.filter
def released_visit_date(moment) -> str:
    return released.visit_date(moment) if moment else ""
