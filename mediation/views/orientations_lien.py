"""Scaffold: replaced by the real views."""

from django.http import Http404


def link_page(request, **kwargs):
    raise Http404
