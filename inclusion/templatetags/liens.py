"""`{% lien "name" %}`: the URL of a view that takes no argument, reversed once per process.

Every page of the espace pro links its menu's sections; reverse() costs about a hundred
calls each time, for an answer that only changes with the URLconf or the script prefix
(both part of the memo's key)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe

from inclusion.tables import cellule_html, lien_de_page, pagination_html

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


@register.simple_tag(takes_context=True)
def menu_pro(context):
    """The espace pro's menu (inclusion/base_pro.html), written here: the template's loop over
    the sections, with a condition and a link each, was a twentieth of a list page's work.
    Reads what the `plateforme` context processor gives."""
    match = getattr(context.get("request"), "resolver_match", None)
    view_name = getattr(match, "view_name", None)
    url_name = getattr(match, "url_name", None) or ""
    courant = ' aria-current="page"'

    def item(url, label, current):
        aria = courant if current else ""
        return f'\n        <li><a href="{cellule_html(url)}"{aria}>{label}</a></li>'

    parts = [
        '<nav class="pro-nav" aria-label="Menu principal">\n      <ul>',
        item(url_fixe("pro:accueil"), "Accueil", view_name == "pro:accueil"),
        "\n        ",
    ]
    if context.get("can_see_beneficiaires"):
        parts.append(
            item(url_fixe("pro:beneficiaire_list"), "Personnes", "beneficiaire" in url_name)
            + "\n        "
        )
    parts.append("\n        ")
    for entry in context.get("pro_entries") or ():
        if entry.in_menu:
            parts.append(
                item(
                    url_fixe(entry.url_name), cellule_html(entry.label), view_name == entry.url_name
                )
                + "\n        "
            )
    parts.append("\n        ")
    if context.get("is_coordinateur_nav"):
        parts.append('<li><a href="/admin/">Administration</a></li>')
    parts.append("\n      </ul>\n    </nav>")
    return mark_safe("".join(parts))


@register.simple_tag
def pagination(page, query="", legende="Pages"):
    """`{% pagination page query %}`: a list's page links (inclusion.tables.pagination_html);
    `query` is the URL's other parameters, already encoded."""
    return pagination_html(page, lien_de_page(query or ""), legende=legende)
