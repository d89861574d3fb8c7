"""Pictograms for the kiosk screens (inline SVG, always next to a text label)."""

from django import template

from ateliers import pictogrammes

register = template.Library()


@register.simple_tag
def picto(nom, size=40):
    return pictogrammes.svg(nom, size=size, css_class="kiosque-picto")
