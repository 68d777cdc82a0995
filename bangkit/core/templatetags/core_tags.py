from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html

register = template.Library()

_WIDGET_CLASSES = {
    "checkbox": "form-check-input",
    "select": "form-select",
    "selectmultiple": "form-select",
    "nullbooleanselect": "form-select",
}


@register.simple_tag
def field_with_class(field: BoundField) -> str:
    """Renders a form field with Bootstrap's class and, when invalid, `is-invalid` plus aria links to its error."""
    css = _WIDGET_CLASSES.get(field.widget_type, "form-control")
    attrs: dict[str, Any] = {}
    if field.errors:
        css += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_error"
    existing = field.field.widget.attrs.get("class", "")
    attrs["class"] = f"{existing} {css}".strip()
    return field.as_widget(attrs=attrs)


@register.simple_tag
def attribute(obj: Any, path: str) -> Any:
    """`obj.a.b` or `obj.get_x_display()` for a column declared as "a.b" / "get_x_display"."""
    value: Any = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return ""
    return value


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with `changes` applied, e.g. for pagination links that keep the filters."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return format_html("{}", query.urlencode())
