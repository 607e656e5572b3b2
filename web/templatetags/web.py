"""Template tags of the front door: `{% submit_token %}` in every action form."""

from django import template
from django.utils.html import format_html

from web.submit import FIELD, new_token

register = template.Library()


@register.simple_tag
def submit_token():
    """A fresh one-time token for the form it stands in (see `web.submit`)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
