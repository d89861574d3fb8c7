from django import forms, template

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
