"""Small template helpers of the supervision and appraisal pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """{{ dict|get_item:key }} — also tries the key as a string (JSON snapshots)."""
    if mapping is None:
        return None
    try:
        return mapping.get(key, mapping.get(str(key)))
    except AttributeError:
        return None


@register.filter
def yuan(value: Any) -> str:
    """30 → "30元", −30 → "−30元", None → "—"."""
    if value is None or value == "":
        return "—"
    number = int(value)
    return f"−{-number}元" if number < 0 else f"{number}元"


@register.filter
def percent(value: Any, total: Any) -> int:
    """A width in percent for the score bars (0–100)."""
    try:
        return max(0, min(100, round(float(value) * 100 / float(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.filter
def has_any(role_values: Any, roles: str) -> bool:
    """{% if current_role_values|has_any:"office,leader" %} — the signed-in person holds one of them."""
    held = set(role_values or ())
    return any(r.strip() in held for r in roles.split(","))
