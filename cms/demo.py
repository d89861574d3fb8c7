"""Demo of the public site (registered in apps.py, after the ateliers): the whole page tree
with real FALC content, and the white-label settings of the fictional Communauté urbaine
Lys-Estuaire. Idempotent: pages are found by slug, settings by site; nothing is created twice.
"""

from django.db import transaction
from wagtail.models import Page, Site

from cms.models import (
    AccueilPage,
    AteliersIndexPage,
    Habillage,
    LieuxIndexPage,
    MonPassPage,
    PageFALC,
)

NOM = "Communauté urbaine Lys-Estuaire"
TELEPHONE_AIDE = "05 36 49 00 00"


def _p(*phrases):
    """Rich text: one sentence per paragraph (FALC: each sentence on its own line)."""
    return "".join(f"<p>{p}</p>" for p in phrases)


def idee(picto, *phrases):
    return {"type": "idee", "value": {"pictogramme": picto, "texte": _p(*phrases)}}


def titre(texte, niveau="h2"):
    return {"type": "titre", "value": {"texte": texte, "niveau": niveau}}


def etapes(*items):
    return {"type": "etapes", "value": {"etapes": list(items)}}


def important(*phrases, titre="Important", picto="exclamation-triangle"):
    return {
        "type": "important",
        "value": {"pictogramme": picto, "titre": titre, "texte": _p(*phrases)},
    }


def mot(mot, explication):
    return {"type": "mot_explique", "value": {"mot": mot, "explication": explication}}


COMMENT_CA_MARCHE = [
    idee(
        "hand-raised",
        "Ce site vous aide à utiliser le numérique.",
        "Le numérique, c'est l'ordinateur, le téléphone et internet.",
    ),
    titre("Vous voulez apprendre"),
    idee(
        "calendar-days",
        "Vous choisissez un atelier près de chez vous.",
        "Un atelier, c'est un cours en petit groupe.",
        "L'atelier est gratuit.",
    ),
    etapes(
        "Vous cliquez sur « Trouver un atelier ».",
        "Vous choisissez votre ville.",
        "Vous choisissez un atelier et une date.",
        "Vous donnez votre prénom et votre numéro de téléphone.",
        "Vous recevez un message pour vous rappeler l'atelier.",
    ),
    titre("Vous avez besoin d'aide"),
    idee(
        "map-pin",
        "Des personnes vous aident près de chez vous.",
        "Cliquez sur « Trouver de l'aide près de chez moi ».",
    ),
    idee(
        "phone",
        f"Vous pouvez aussi appeler le {TELEPHONE_AIDE}.",
        "Une personne vous répond du lundi au vendredi.",
        "L'appel est gratuit.",
    ),
    mot(
        "Médiateur numérique",
        "Une personne qui vous aide à utiliser un ordinateur ou un téléphone.",
    ),
    important(
        "Personne ne vous demande jamais votre mot de passe.",
        "Ne donnez jamais votre mot de passe.",
        titre="Attention",
    ),
]

PASS_NUMERIQUE = [
    idee(
        "ticket",
        "Le pass numérique est un petit carnet.",
        "Dans le carnet, il y a des chèques.",
        "Chaque chèque vaut 10 euros.",
    ),
    idee(
        "gift",
        "Le pass numérique est gratuit pour vous.",
        "Vous le recevez dans un service social ou à la mairie.",
    ),
    titre("À quoi sert le pass numérique ?"),
    idee(
        "academic-cap",
        "Avec 1 chèque, vous allez à 1 atelier.",
        "Vous apprenez à utiliser un ordinateur ou un téléphone.",
    ),
    etapes(
        "Vous choisissez un atelier.",
        "Vous apportez votre carnet à l'atelier.",
        "Le médiateur prend 1 chèque.",
    ),
    titre("Combien de chèques il me reste ?"),
    idee(
        "magnifying-glass",
        "Cliquez sur « Mon pass numérique ».",
        "Écrivez le code de votre carnet.",
        "Le code est écrit sur la première page du carnet.",
    ),
    important(
        "Les chèques ont une date de fin.",
        "La date est écrite sur chaque chèque.",
        "Utilisez vos chèques avant cette date.",
    ),
]

VENIR_A_UN_ATELIER = [
    idee(
        "user-group",
        "L'atelier se passe en petit groupe.",
        "Il y a 6 à 10 personnes.",
        "Un médiateur numérique explique et vous aide.",
    ),
    idee("clock", "L'atelier dure 2 heures.", "Venez 10 minutes avant le début."),
    titre("Ce que vous apportez"),
    etapes(
        "Votre téléphone, s'il s'agit d'un atelier sur le téléphone.",
        "Votre pass numérique, si vous en avez un.",
        "Vos lunettes, si vous en portez.",
    ),
    idee(
        "computer-desktop",
        "Vous n'avez pas d'ordinateur ?",
        "Ce n'est pas grave.",
        "Le lieu vous prête un ordinateur.",
    ),
    titre("Vous ne pouvez pas venir"),
    idee(
        "chat-bubble-left-right",
        "Prévenez le lieu de l'atelier.",
        "Répondez ANNULER au message de rappel.",
        "Votre place va à une autre personne.",
    ),
]

ACCESSIBILITE = [
    idee(
        "information-circle",
        f"La {NOM} veut un site facile à utiliser pour tous.",
        "Ce site respecte des règles pour les personnes handicapées.",
        "Ces règles s'appellent le référentiel d'accessibilité.",
    ),
    mot(
        "Accessibilité",
        "Un site accessible est facile à utiliser pour tout le monde. "
        "Par exemple pour les personnes aveugles ou sourdes.",
    ),
    titre("Ce site respecte-t-il les règles ?"),
    idee(
        "check-circle",
        "Ce site respecte une partie des règles.",
        "On dit qu'il est partiellement conforme.",
    ),
    idee(
        "magnifying-glass",
        "Des spécialistes vont vérifier tout le site.",
        "Ensuite, nous écrirons le résultat sur cette page.",
    ),
    titre("Ce qui fonctionne déjà"),
    etapes(
        "Vous pouvez utiliser le site avec le clavier seul.",
        "Vous pouvez agrandir le texte.",
        "Vous pouvez écouter le texte de la page.",
        "Les images importantes ont une description.",
    ),
    titre("Vous avez un problème avec le site ?"),
    idee(
        "phone",
        f"Appelez le {TELEPHONE_AIDE}.",
        "Dites-nous quelle page pose problème.",
        "Nous vous donnons l'information d'une autre façon.",
    ),
    titre("Nous ne vous répondons pas ?"),
    idee(
        "building-library",
        "Vous pouvez écrire au Défenseur des droits.",
        "Le Défenseur des droits défend vos droits.",
        "C'est gratuit.",
    ),
    etapes(
        "Par internet : sur le site defenseurdesdroits.fr.",
        "Par téléphone : au 09 69 39 00 00.",
        "Par courrier : Défenseur des droits, Libre réponse 71120, 75342 Paris Cedex 07.",
        "En personne : un délégué vous reçoit près de chez vous.",
    ),
    important(
        "Cette page a été écrite le 1er décembre 2026.",
        "Nous la mettons à jour après chaque vérification.",
        titre="Date",
        picto="calendar-days",
    ),
]

DONNEES = [
    idee(
        "lock-closed",
        "Vous vous inscrivez à un atelier ?",
        "Nous gardons votre prénom et votre numéro de téléphone.",
    ),
    idee(
        "chat-bubble-left-right",
        "Nous utilisons votre numéro pour vous rappeler l'atelier.",
        "Nous ne donnons jamais votre numéro à une entreprise.",
    ),
    # The delays, who sees what and the rights are on the page generated from the settings
    # (inclusion/views/donnees_publiques.py): never typed here, so they cannot drift.
    idee(
        "clock",
        "Combien de temps nous gardons vos informations ?",
        "Qui voit vos informations ?",
        'Lisez la page <a href="/donnees-personnelles/">Tout sur vos données personnelles</a>.',
    ),
    important(
        "Vous ne voulez plus de message ?",
        "Répondez STOP au message.",
        f"Ou appelez le {TELEPHONE_AIDE}.",
        titre="Arrêter les messages",
        picto="hand-raised",
    ),
]

# slug, title, body, reviewed by
PAGES_FALC = [
    ("comment-ca-marche", "Comment ça marche ?", COMMENT_CA_MARCHE, ""),
    (
        "pass-numerique",
        "Le pass numérique, c'est quoi ?",
        PASS_NUMERIQUE,
        "Nadia, Marcel et Josiane, du groupe de relecture du foyer Les Tilleuls",
    ),
    ("venir-a-un-atelier", "Venir à un atelier", VENIR_A_UN_ATELIER, ""),
    ("accessibilite", "Accessibilité", ACCESSIBILITE, ""),
    ("vos-donnees", "Vos données personnelles", DONNEES, ""),
]

INTRO_ACCUEIL = _p(
    "Ce site vous aide à utiliser un ordinateur ou un téléphone.",
    "Vous trouvez un atelier près de chez vous.",
    "Vous trouvez une personne pour vous aider.",
)

INDEX = [
    (
        AteliersIndexPage,
        "ateliers-pres-de-chez-moi",
        "Trouver un atelier",
        _p("Un atelier, c'est un cours en petit groupe.", "Les ateliers sont gratuits."),
    ),
    (
        LieuxIndexPage,
        "lieux",
        "Trouver de l'aide près de chez moi",
        _p("Des personnes vous aident à utiliser le numérique.", "Trouvez le lieu le plus près."),
    ),
    (
        MonPassPage,
        "mon-pass",
        "Mon pass numérique",
        _p("Écrivez le code de votre carnet.", "Vous voyez combien de chèques il vous reste."),
    ),
]


def racine_wagtail():
    """Wagtail's root page, recreated with the default locale when missing (a database
    flushed by transactional tests has neither)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def _publish(page):
    page.save_revision().publish()


def _accueil(root):
    accueil = AccueilPage.objects.first()
    if accueil is not None:
        return accueil, 0
    accueil = AccueilPage(title="Bienvenue", slug="accueil", intro=INTRO_ACCUEIL)
    # Wagtail's "Welcome" page holds the slug "home" and the default site: replace it.
    for ancienne in root.get_children().filter(content_type__model="page", depth=2):
        Site.objects.filter(root_page=ancienne).delete()
        ancienne.delete()
    root.add_child(instance=accueil)
    _publish(accueil)
    return accueil, 1


def _enfant(accueil, model, slug, title, **champs):
    page = model.objects.child_of(accueil).filter(slug=slug).first()
    if page is not None:
        return page, 0
    page = model(title=title, slug=slug, **champs)
    accueil.add_child(instance=page)
    _publish(page)
    return page, 1


@transaction.atomic
def build(context):
    created = 0
    root = racine_wagtail()
    accueil, n = _accueil(root)
    created += n
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=accueil, is_default_site=True
        )
        created += 1
    elif site.root_page_id != accueil.pk:
        site.root_page = accueil
        site.site_name = NOM
        site.save()

    for model, slug, title, intro in INDEX:
        created += _enfant(accueil, model, slug, title, intro=intro)[1]
    pages = {}
    for slug, title, corps, relu_par in PAGES_FALC:
        page, n = _enfant(accueil, PageFALC, slug, title, corps=corps, relu_par=relu_par)
        pages[slug] = page
        created += n

    if accueil.page_comment_ca_marche_id is None:
        accueil.page_comment_ca_marche = pages["comment-ca-marche"]
        _publish(accueil)

    if not Habillage.objects.filter(site=site).exists():
        Habillage.objects.create(
            site=site,
            nom=NOM,
            couleur_principale="#0b5d6b",
            couleur_secondaire="#a8321c",
            telephone_aide=TELEPHONE_AIDE,
            expediteur_sms="LYSESTUAIRE",
            page_accessibilite=pages["accessibilite"],
            etat_conformite="partiel",
            liens_pied_de_page=[
                {"type": "lien", "value": {"libelle": s, "page": pages[p].pk, "url": ""}}
                # "Vos données personnelles" is in every footer (base_public.html): the
                # page generated from the settings (inclusion.conservation).
                for p, s in (("comment-ca-marche", "Comment ça marche ?"),)
            ],
        )
        created += 1
    return created
