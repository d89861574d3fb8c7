"""heroicons' tags, memoised: the package parses and serialises the SVG on every call, which
made icons the costliest part of long public lists (580 icons ≈ 90 ms a page). Same names and
arguments as `{% load heroicons %}`; load `icones` instead."""

import functools

import heroicons
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@functools.lru_cache(maxsize=1024)
def _cached(style, name, size, attrs):
    return mark_safe(heroicons._render_icon(style, name, size, dict(attrs)))


def _render(style, name, size, attrs):
    # Template strings arrive as SafeString: make them plain before they become a cache key.
    plain = tuple(sorted((k, v + "" if isinstance(v, SafeString) else v) for k, v in attrs.items()))
    return _cached(style, str(name), size, plain)


@register.simple_tag
def heroicon_outline(name, *, size=24, **attrs):
    return _render("outline", name, size, attrs)


@register.simple_tag
def heroicon_solid(name, *, size=24, **attrs):
    return _render("solid", name, size, attrs)


@register.simple_tag
def heroicon_mini(name, *, size=20, **attrs):
    return _render("mini", name, size, attrs)
