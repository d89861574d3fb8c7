"""White-label settings of a site (Wagtail site settings), used by every surface through the
socle's habillage registry: `get_habillage` below is the provider registered in cms/apps.py.

Colours are checked against the text colours of the design system: white text on a button of
the colour, and the colour used as link text on the white page and on the grey footer. WCAG
2.1 AA asks for 4.5:1; below that the setting is refused with a French message."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
CONTRASTE_MINIMUM = 4.5
# (colour the brand colour is compared with, how it is used, in French)
FONDS = [
    ("#ffffff", "le texte blanc des boutons et le fond blanc des pages"),
    ("#f4f6f9", "le fond gris clair du pied de page"),
]


def luminance(hex_colour):
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    canaux = []
    for i in (1, 3, 5):
        c = int(hex_colour[i : i + 2], 16) / 255
        canaux.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = canaux
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contraste(a, b):
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def erreurs_de_couleur(valeur):
    """French messages for a brand colour that is not #rrggbb or not contrasted enough."""
    if not HEX.match(valeur):
        return ["Écrivez la couleur sous la forme #1d4f91 (un dièse puis 6 chiffres ou lettres)."]
    erreurs = []
    for fond, usage in FONDS:
        ratio = contraste(valeur, fond)
        if ratio < CONTRASTE_MINIMUM:
            ratio_fr = f"{ratio:.2f}".replace(".", ",")
            erreurs.append(
                f"Contraste trop faible avec {usage} : {ratio_fr}:1. "
                "Il faut au moins 4,5:1. Choisissez une couleur plus foncée."
            )
    return erreurs


class LienBlock(blocks.StructBlock):
    libelle = blocks.CharBlock(label="Texte du lien", max_length=80)
    page = blocks.PageChooserBlock(
        label="Page du site", required=False, help_text="Une page du site, ou une adresse."
    )
    url = blocks.URLBlock(label="Adresse", required=False, help_text="Par exemple https://…")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError("Choisissez une page ou une adresse.")}
            )
        return value

    class Meta:
        label = "Lien"
        icon = "link"


class EtatConformite(models.TextChoices):
    NON = "non", "non conforme"
    PARTIEL = "partiel", "partiellement conforme"
    TOTAL = "total", "totalement conforme"


@register_setting(icon="image")
class Habillage(BaseSiteSetting):
    nom = models.CharField(
        "Nom de la collectivité",
        max_length=120,
        blank=True,
        help_text="Affiché en haut de chaque page. Par exemple : Ville de Montclair.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="Logo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Affiché à côté du nom, 64 pixels de haut.",
    )
    couleur_principale = models.CharField(
        "Couleur principale",
        max_length=7,
        blank=True,
        help_text="Bandeau, boutons et liens. Format #1d4f91. Contraste d'au moins 4,5:1.",
    )
    couleur_secondaire = models.CharField(
        "Couleur secondaire",
        max_length=7,
        blank=True,
        help_text="Encadrés « important ». Format #b3261e. Contraste d'au moins 4,5:1.",
    )
    telephone_aide = models.CharField(
        "Numéro d'aide",
        max_length=20,
        blank=True,
        help_text="Le numéro à appeler pour avoir de l'aide. Par exemple 05 55 12 34 56.",
    )
    expediteur_sms = models.CharField(
        "Nom de l'expéditeur des SMS",
        max_length=11,
        blank=True,
        help_text="11 lettres ou chiffres au plus, sans espace ni accent. Par exemple MONTCLAIR.",
    )
    page_accessibilite = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="Page « Accessibilité »",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="La déclaration d'accessibilité, en lien dans le pied de chaque page.",
    )
    etat_conformite = models.CharField(
        "État de conformité RGAA",
        max_length=10,
        choices=EtatConformite.choices,
        default=EtatConformite.NON,
        help_text="Écrit dans le lien du pied de page : « Accessibilité : … ».",
    )
    liens_pied_de_page = StreamField(
        [("lien", LienBlock())],
        blank=True,
        verbose_name="Liens du pied de page",
        help_text="Par exemple : mentions légales, données personnelles, contact.",
    )
    modifie_le = models.DateTimeField(auto_now=True, editable=False)

    panels = [
        MultiFieldPanel(
            [FieldPanel("nom"), FieldPanel("logo"), FieldPanel("telephone_aide")],
            heading="Collectivité",
        ),
        MultiFieldPanel(
            [FieldPanel("couleur_principale"), FieldPanel("couleur_secondaire")],
            heading="Couleurs",
        ),
        FieldPanel("expediteur_sms"),
        MultiFieldPanel(
            [
                FieldPanel("page_accessibilite"),
                FieldPanel("etat_conformite"),
                FieldPanel("liens_pied_de_page"),
            ],
            heading="Pied de page",
        ),
    ]

    class Meta:
        verbose_name = "Habillage"

    def clean(self):
        super().clean()
        erreurs = {}
        for champ in ("couleur_principale", "couleur_secondaire"):
            valeur = (getattr(self, champ) or "").strip().lower()
            setattr(self, champ, valeur)
            if valeur and (messages := erreurs_de_couleur(valeur)):
                erreurs[champ] = messages
        self.expediteur_sms = (self.expediteur_sms or "").strip()
        if self.expediteur_sms and not re.fullmatch(r"[A-Za-z0-9]{1,11}", self.expediteur_sms):
            erreurs["expediteur_sms"] = [
                "Le nom de l'expéditeur a 11 caractères au plus : "
                "des lettres sans accent et des chiffres, sans espace."
            ]
        if self.expediteur_sms and self.expediteur_sms.isdigit():
            erreurs.setdefault("expediteur_sms", []).append(
                "Le nom de l'expéditeur doit contenir au moins une lettre."
            )
        if erreurs:
            raise ValidationError(erreurs)


# --- The provider of inclusion.registry.habillage --------------------------------------------
# Every page of every surface asks for the habillage (context processor), so it is kept by the
# page cache for the current generation (inclusion/page_cache.py): no query in steady state. A
# Habillage or a Site saved or deleted bumps the generation (cms/apps.py).


def _cle_hote(request):
    if request is None:
        return "defaut"
    try:
        return f"{request.get_host()}"
    except Exception:  # DisallowedHost: the default site answers
        return "defaut"


def build_habillage(site):
    """The registry's Habillage for a Site, or None when it has no settings row."""
    from django.conf import settings

    from inclusion.registry import Habillage as HabillageRegistre

    reglages = (
        Habillage.objects.filter(site=site).select_related("logo", "page_accessibilite").first()
    )
    if reglages is None:
        return None
    logo_url = ""
    if reglages.logo_id:
        logo_url = reglages.logo.get_rendition("height-128|format-png").url
    liens = []
    if reglages.page_accessibilite_id and reglages.page_accessibilite.live:
        url = reglages.page_accessibilite.get_url()
        if url:
            libelle = f"Accessibilité : {reglages.get_etat_conformite_display()}"
            liens.append((libelle, url))
    for bloc in reglages.liens_pied_de_page:
        valeur = bloc.value
        url = valeur["page"].get_url() if valeur.get("page") else valeur.get("url")
        if url:
            liens.append((valeur["libelle"], url))
    return HabillageRegistre(
        nom=reglages.nom or settings.PLATFORM_NAME,
        telephone_aide=reglages.telephone_aide or settings.HELP_PHONE,
        logo_url=logo_url,
        couleur_principale=reglages.couleur_principale,
        couleur_secondaire=reglages.couleur_secondaire,
        expediteur_sms=reglages.expediteur_sms,
        liens_pied_de_page=tuple(liens),
        version=f"{site.pk}-{int(reglages.modifie_le.timestamp())}",
    )


_ABSENT = "absent"


def get_habillage(request=None):
    """Provider for inclusion.registry: the habillage of the request's site (default site
    without a request), None when that site has no settings (the socle's defaults apply)."""
    from wagtail.models import Site

    from inclusion import page_cache

    def compute():
        if request is None:
            site = Site.objects.filter(is_default_site=True).first()
        else:
            site = Site.find_for_request(request)
        return (build_habillage(site) if site else None) or _ABSENT

    valeur = page_cache.kept(compute, "habillage", _cle_hote(request))
    return None if valeur == _ABSENT else valeur
