from django.template import Context, Template


def render(source):
    return Template(source).render(Context({"nom": "calendar-days"}))


def test_memoised_icons_are_the_same_as_heroicons():
    attrs = 'size=32 class="picto" aria_hidden="true" stroke_linecap="round"'
    for style in ("outline", "solid", "mini"):
        ours = render("{% load icones %}{% heroicon_" + style + " nom " + attrs + " %}")
        theirs = render("{% load heroicons %}{% heroicon_" + style + " nom " + attrs + " %}")
        assert ours == theirs
        assert ours.startswith("<svg") and 'class="picto"' in ours


def test_attributes_are_not_mixed_between_calls():
    a = render('{% load icones %}{% heroicon_outline "map-pin" class="a" %}')
    b = render('{% load icones %}{% heroicon_outline "map-pin" class="b" %}')
    assert 'class="a"' in a and 'class="b"' in b
