from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from inclusion.tables import cellule_html

register = template.Library()


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag
def field_widget(field):
    """Render the widget with its help and errors linked by aria-describedby."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_aide")
    attrs = {}
    if field.errors:
        described.append(f"{field.auto_id}_erreurs")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required and not isinstance(field.field.widget, forms.CheckboxInput):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def champ(field):
    """A form field as every form of the site shows it: label (with "(obligatoire)"), help,
    errors and widget, linked by aria-describedby (field_widget). Written in Python: a list's
    filter form rendered a template for each field, a tenth of the page's work. The checkbox
    comes before its label; its help and errors after."""
    # f-strings and cellule_html: what format_html writes, without its lazy wrappers.
    obligatoire = ' <span class="required">(obligatoire)</span>' if field.field.required else ""
    label = (
        f'<label for="{cellule_html(field.id_for_label)}">'
        f"{cellule_html(field.label)}{obligatoire}</label>"
    )
    aide = (
        f'<p class="field__help" id="{cellule_html(field.auto_id)}_aide">'
        f"{cellule_html(field.help_text)}</p>"
        if field.help_text
        else ""
    )
    erreurs = (
        format_html(
            '<div class="field__errors" id="{}_erreurs">{}</div>',
            field.auto_id,
            format_html_join("", "<p>{}</p>", ((e,) for e in field.errors)),
        )
        if field.errors
        else ""
    )
    widget = field_widget(field)
    if is_checkbox(field):
        classes = " field--checkbox"
        corps = f"\n    {widget}\n    {label}\n  \n  \n    {aide}\n    {erreurs}\n  "
    else:
        classes = ""
        corps = f"\n    {label}\n    {aide}\n    {erreurs}\n    {widget}\n  \n  "
    erreur = " field--error" if field.errors else ""
    return mark_safe(f'\n<div class="field{erreur}{classes}">\n  {corps}\n</div>\n')
