from django import template

register = template.Library()


@register.filter
def opened(open_path, pk):
    """The children of `pk` already loaded because the current organisation lies below it."""
    return (open_path or {}).get(pk)
