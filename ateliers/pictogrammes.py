"""Curated pictograms for workshop themes: Heroicons (outline) names with French labels.

Coordinators pick one from this list in the Wagtail admin; pages render it as inline SVG next
to a text label (never the icon alone).
"""

from django.utils.html import format_html

from inclusion.templatetags.icones import heroicon_outline

PICTOGRAMMES = [
    ("device-phone-mobile", "Téléphone portable"),
    ("device-tablet", "Tablette"),
    ("computer-desktop", "Ordinateur"),
    ("cpu-chip", "Matériel, composants"),
    ("wrench-screwdriver", "Réparer, entretenir"),
    ("cog-6-tooth", "Réglages"),
    ("wifi", "Internet, wifi"),
    ("globe-alt", "Naviguer sur internet"),
    ("magnifying-glass", "Rechercher"),
    ("envelope", "Courrier électronique"),
    ("at-symbol", "Adresse e-mail"),
    ("chat-bubble-left-right", "Messages, discussion"),
    ("video-camera", "Appel vidéo"),
    ("users", "Réseaux sociaux, famille"),
    ("camera", "Appareil photo"),
    ("photo", "Photos"),
    ("cloud-arrow-up", "Sauvegarder ses fichiers"),
    ("document-text", "Document, traitement de texte"),
    ("printer", "Imprimer, scanner"),
    ("heart", "Santé"),
    ("identification", "Identité, papiers"),
    ("building-library", "Administration, démarches"),
    ("banknotes", "Argent, banque"),
    ("currency-euro", "Impôts, aides"),
    ("shopping-cart", "Achats en ligne"),
    ("briefcase", "Emploi"),
    ("home", "Logement"),
    ("truck", "Transports"),
    ("shield-check", "Sécurité, arnaques"),
    ("lock-closed", "Mots de passe"),
    ("academic-cap", "Apprendre, Pix"),
    ("puzzle-piece", "Jeux, découverte"),
    ("paint-brush", "Créer, dessiner"),
    ("sparkles", "Intelligence artificielle"),
]

LIBELLES = dict(PICTOGRAMMES)


def libelle(nom):
    """French label of a pictogram; the raw name when it is not in the list."""
    return LIBELLES.get(nom, nom)


def svg(nom, *, size=24, css_class="pictogramme"):
    """Inline decorative SVG: the text label is always written next to it."""
    if nom not in LIBELLES:
        nom = "computer-desktop"
    attrs = {"aria-hidden": "true", "focusable": "false", "class": css_class}
    return heroicon_outline(nom, size=size, **attrs)


def avec_libelle(nom, *, size=20):
    """The icon followed by its label, e.g. for an admin listing."""
    return format_html("{} <span>{}</span>", svg(nom, size=size), libelle(nom))
