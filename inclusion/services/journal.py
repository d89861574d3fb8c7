from inclusion.models import Journal


def write_journal(*, acteur, action, objet=None, structure=None, details=None):
    """Append one line. `details` holds ids and field names, never personal data."""
    return Journal.objects.create(
        acteur=acteur if getattr(acteur, "is_authenticated", False) else None,
        action=action,
        objet_type=objet._meta.label_lower if objet is not None else "",
        objet_id=str(objet.pk) if objet is not None else "",
        structure=structure,
        details=details or {},
    )
