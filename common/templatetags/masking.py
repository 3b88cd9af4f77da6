"""Template filters that mask personal data in lists: {{ phone|mask_phone }}."""

from django import template

from common import identity

register = template.Library()
register.filter("mask_phone", identity.mask_phone)
register.filter("mask_id", identity.mask_id)
register.filter("mask_name", identity.mask_name)
