"""Scaffold: replaced by the real views."""

from django.http import Http404


def orientations_sent(request, **kwargs):
    raise Http404


def orientation_detail(request, **kwargs):
    raise Http404


def orientation_create(request, **kwargs):
    raise Http404
