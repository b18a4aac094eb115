from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from merito.documents.limits import format_bytes

register = template.Library()


@register.filter
def byte_count(size: int) -> str:
    """``1048576|byte_count`` → ``1.048.576``."""
    return format_bytes(size)


@register.filter
def breakable(value: str, every: int = 16) -> str:
    """Let a long unbroken string (a SHA-256) wrap on narrow screens; copying it adds nothing."""
    text = str(value)
    return format_html_join(
        mark_safe("<wbr>"), "{}", ((text[i : i + every],) for i in range(0, len(text), every))
    )
