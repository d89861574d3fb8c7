"""`{% lien "name" %}`: the URL of a view that takes no argument, reversed once per process.

Every page of the espace pro links its menu's sections; reverse() costs about a hundred
calls each time, for an answer that only changes with the URLconf or the script prefix
(both part of the memo's key)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_memo = {}


def url_fixe(name):
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _memo.get(key)
    if url is None:
        url = _memo[key] = reverse(name)
    return url


@register.simple_tag
def lien(name):
    return url_fixe(name)
