"""{% champ %} writes label, help and errors escaped as format_html would (it uses f-strings
and cellule_html, without format_html's lazy wrappers): compared with format_html here."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from inclusion.templatetags.inclusion_forms import champ


class Essai(forms.Form):
    nom = forms.CharField(label="Nom & « prénom » <b>", help_text='Ex. : L\'Hôte "Zoé"')
    ville = forms.CharField(label=mark_safe("Ville <abbr>(FR)</abbr>"), required=False)
    accord = forms.BooleanField(label="J'accepte", required=True, help_text="<obligatoire>")


def _attendu(field):
    label = format_html(
        '<label for="{}">{}{}</label>',
        field.id_for_label,
        field.label,
        mark_safe(' <span class="required">(obligatoire)</span>') if field.field.required else "",
    )
    aide = (
        format_html('<p class="field__help" id="{}_aide">{}</p>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    return label, aide


def test_label_and_help_escaped_as_format_html_does():
    for form in (Essai(), Essai(data={"nom": "", "accord": ""}), Essai(prefix="p<x>")):
        for field in form:
            html = champ(field)
            label, aide = _attendu(field)
            assert label in html
            assert aide in html
            if field.errors:
                assert 'class="field field--error' in html and "field__errors" in html
    html = champ(Essai()["nom"])
    assert "Nom &amp; « prénom » &lt;b&gt;" in html
    assert "L&#x27;Hôte &quot;Zoé&quot;" in html
    assert "Ville <abbr>(FR)</abbr>" in champ(Essai()["ville"])
