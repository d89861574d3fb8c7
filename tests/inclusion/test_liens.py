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


# The menu as base_pro.html wrote it with the template language before {% menu_pro %}.
MENU_TEMPLATE = """{% load liens %}<nav class="pro-nav" aria-label="Menu principal">
      <ul>
        <li><a href="{% lien 'pro:accueil' %}"{% if request.resolver_match.view_name == 'pro:accueil' %} aria-current="page"{% endif %}>Accueil</a></li>
        {% if can_see_beneficiaires %}
        <li><a href="{% lien 'pro:beneficiaire_list' %}"{% if 'beneficiaire' in request.resolver_match.url_name %} aria-current="page"{% endif %}>Personnes</a></li>
        {% endif %}
        {% for entry in pro_entries %}{% if entry.in_menu %}
        <li><a href="{% lien entry.url_name %}"{% if request.resolver_match.view_name == entry.url_name %} aria-current="page"{% endif %}>{{ entry.label }}</a></li>
        {% endif %}{% endfor %}
        {% if is_coordinateur_nav %}<li><a href="/admin/">Administration</a></li>{% endif %}
      </ul>
    </nav>"""  # noqa: E501


def test_menu_tag_writes_what_the_template_wrote():
    from django.test import RequestFactory
    from django.urls import resolve

    from inclusion.registry import ProEntry, pro_entries_for

    class Tous:  # a superuser sees every section (no membership to read)
        is_superuser = True
        is_authenticated = True
        _inclusion_roles = _inclusion_referent = frozenset()

    entries = pro_entries_for(Tous())
    assert len(entries) > 3
    hors_menu = [e for e in entries if not e.in_menu]
    entries = entries + [
        ProEntry("Suivi <des> « envois » & co", entries[0].url_name, "", lambda u: True)
    ]
    django = engines["django"]
    compared = 0
    for path in (
        reverse("pro:accueil"),
        reverse("pro:beneficiaire_list"),
        reverse("pro:beneficiaire_create"),
        reverse(entries[0].url_name),
        reverse(entries[2].url_name),
        "/nulle-part/",
    ):
        request = RequestFactory().get(path)
        try:
            request.resolver_match = resolve(path)
        except Exception:
            request.resolver_match = None
        for voit, coord, liste in (
            (True, True, entries),
            (False, False, entries[1:3] + hors_menu),
            (True, False, []),
        ):
            context = {
                "request": request,
                "can_see_beneficiaires": voit,
                "is_coordinateur_nav": coord,
                "pro_entries": liste,
            }
            attendu = django.from_string(MENU_TEMPLATE).render(context)
            assert django.from_string("{% load liens %}{% menu_pro %}").render(context) == attendu
            compared += 1
    assert compared == 18
    # What the comparison covered: current page marked, labels escaped.
    assert 'aria-current="page">Accueil' in django.from_string(MENU_TEMPLATE).render(
        {"request": _with_match(reverse("pro:accueil")), "pro_entries": []}
    )


def _with_match(path):
    from django.test import RequestFactory
    from django.urls import resolve

    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    return request


# The page links the lists' templates repeated before {% pagination %}.
PAGES_TEMPLATE = """{% if page.has_other_pages %}
<nav class="pagination" aria-label="{{ legende }}">
  <ul>
    {% if page.has_previous %}<li><a href="?{% if query %}{{ query }}&amp;{% endif %}page={{ page.previous_page_number }}">Page précédente</a></li>{% endif %}
    <li aria-current="page">Page {{ page.number }} sur {{ page.paginator.num_pages }}</li>
    {% if page.has_next %}<li><a href="?{% if query %}{{ query }}&amp;{% endif %}page={{ page.next_page_number }}">Page suivante</a></li>{% endif %}
  </ul>
</nav>
{% endif %}"""  # noqa: E501


def test_pagination_tag_writes_what_the_templates_wrote():
    from django.core.paginator import Paginator

    django = engines["django"]
    compared = 0
    for nombre in (0, 20, 21, 65):
        paginator = Paginator(range(nombre), 20)
        for numero in range(1, paginator.num_pages + 1):
            page = paginator.get_page(numero)
            for query, legende in (
                ("", "Pages"),
                ("etat=a_traiter", "Pages de résultats"),
                ("du=2026-01-01&type=collectif", "Pages de membres"),
            ):
                context = {"page": page, "query": query, "legende": legende}
                attendu = django.from_string(PAGES_TEMPLATE).render(context)
                tag = "{% load liens %}{% pagination page query legende %}"
                assert django.from_string(tag).render(context) == attendu
                compared += 1
    assert compared == 24  # 1 + 1 + 2 + 4 pages, three ways each
    # A query is escaped in the link; page 2 of 4 links both ways.
    page = Paginator(range(65), 20).get_page(2)
    html = django.from_string("{% load liens %}{% pagination page q %}").render(
        {"page": page, "q": "du=1&x=\"'<"}
    )
    assert 'href="?du=1&amp;x=&quot;&#x27;&lt;&amp;page=1"' in html
    assert "page=3" in html and "Page 2 sur 4" in html
