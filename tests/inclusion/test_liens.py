"""{% lien %}: an argument-less URL reversed once per process, keyed by what changes it."""

from django.template import engines
from django.urls import clear_script_prefix, reverse, set_script_prefix

from inclusion.templatetags.liens import url_fixe


def test_same_url_as_reverse_and_follows_the_script_prefix():
    assert url_fixe("pro:accueil") == reverse("pro:accueil")
    try:
        set_script_prefix("/ville/")
        assert url_fixe("pro:accueil") == reverse("pro:accueil")
        assert url_fixe("pro:accueil").startswith("/ville/")
    finally:
        clear_script_prefix()
    assert not url_fixe("pro:accueil").startswith("/ville/")


def test_tag_writes_the_url():
    html = engines["django"].from_string("{% load liens %}{% lien 'pro:deconnexion' %}").render()
    assert html == reverse("pro:deconnexion")
