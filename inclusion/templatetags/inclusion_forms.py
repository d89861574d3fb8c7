from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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
