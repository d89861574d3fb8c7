"""Scaffold: replaced by the real views."""

from django.http import Http404


def orientations_received(request, **kwargs):
    raise Http404


def received_detail(request, **kwargs):
    raise Http404
