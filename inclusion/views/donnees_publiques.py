"""The public page "Vos données personnelles" (/donnees-personnelles/), in FALC. Issue 18.

Nothing on it is typed twice: the delays come from inclusion.conservation.delais() (the list
the purges and the README's table read), the name and the help phone from the habillage, and
who sees what from QUI_VOIT below, each line naming the permission predicates it describes
(tests/inclusion/test_donnees_publiques.py resolves them and checks the main rules).
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from inclusion import conservation


@dataclass(frozen=True)
class Ligne:
    """One idea of the page: a pictogram (heroicons name) and short sentences."""

    picto: str
    phrases: tuple
    regles: tuple = ()  # dotted paths of the predicates this line describes


# What we keep and why, in general (the delays' own reasons are in the table).
FINALITES = (
    Ligne(
        "user",
        (
            "Nous gardons votre prénom, votre nom et votre commune.",
            "Nous gardons votre numéro de téléphone, si vous le donnez.",
            "Ces informations servent à vous aider et à vous suivre.",
        ),
    ),
    Ligne(
        "chat-bubble-left-right",
        (
            "Nous utilisons votre numéro pour vous envoyer des SMS.",
            "Un SMS est un message écrit sur le téléphone.",
            "Le SMS vous rappelle votre atelier.",
        ),
    ),
    Ligne(
        "ticket",
        (
            "Nous gardons votre pass numérique et vos chèques.",
            "Ils servent à payer vos ateliers.",
        ),
    ),
    Ligne(
        "calendar-days",
        (
            "Nous gardons vos ateliers et vos rendez-vous.",
            "Ils servent à savoir comment vous aider ensuite.",
        ),
    ),
    Ligne(
        "chart-bar",
        (
            "Nous comptons les personnes aidées.",
            "Les nombres ne donnent jamais votre nom.",
        ),
    ),
    Ligne(
        "lock-closed",
        ("Nous ne donnons jamais vos informations à une entreprise.",),
    ),
)

# Who sees what: the project's permission rules, in plain words. Change a rule, change its
# line here (the predicates named are the ones that decide).
QUI_VOIT = (
    Ligne(
        "user-group",
        (
            "La structure qui vous suit voit votre dossier.",
            "Par exemple : le service social qui vous a inscrit.",
            "Ses travailleurs sociaux et ses médiateurs numériques voient votre dossier.",
        ),
        ("inclusion.perms.can_view_beneficiaire", "inclusion.perms.can_edit_beneficiaire"),
    ),
    Ligne(
        "computer-desktop",
        (
            "Le médiateur numérique vous aide à utiliser le numérique.",
            "Il voit les personnes inscrites aux ateliers de son lieu.",
            "Il écrit ce qu'il fait avec vous.",
            "Les autres médiateurs de sa structure le voient aussi.",
            "Ses notes personnelles, lui seul les voit.",
        ),
        (
            "ateliers.perms.can_see_all_names",
            "mediation.perms.can_view_activite",
            "mediation.perms.can_see_notes",
        ),
    ),
    Ligne(
        "arrow-right-circle",
        (
            "Vous allez vers un autre lieu ?",
            "Ce lieu voit la demande qui vous concerne.",
        ),
        ("mediation.perms.can_view_orientation",),
    ),
    Ligne(
        "map",
        (
            "L'équipe qui organise l'aide au numérique voit les dossiers de tout le territoire.",
            "Elle ne voit pas les notes personnelles des médiateurs.",
        ),
        ("inclusion.perms.is_coordinateur", "mediation.perms.can_see_notes"),
    ),
    Ligne(
        "eye-slash",
        (
            "Les autres professionnels ne voient pas votre nom sur les listes des ateliers.",
            "Ils voient seulement le nombre de personnes inscrites.",
        ),
        ("ateliers.perms.can_see_name",),
    ),
    Ligne(
        "building-library",
        (
            "Une borne est un ordinateur à la mairie ou à la bibliothèque.",
            "Les volontaires à la borne ne voient pas votre dossier.",
            "Ils ne voient aucune information personnelle.",
        ),
        ("inclusion.perms.can_list_beneficiaires", "inclusion.perms.can_view_beneficiaire"),
    ),
    Ligne(
        "document-text",
        (
            "Un professionnel ouvre votre dossier ?",
            "Nous notons qui l'a ouvert, et quand.",
        ),
    ),
)


def contexte():
    """What the page shows, from the settings and the registered delays."""
    return {
        "delais": conservation.delais(),
        "finalites": FINALITES,
        "qui_voit": QUI_VOIT,
        "delai_dossier": conservation.duree_en_mots(None, conservation.delai_dossier().days),
        "preavis": conservation.duree_en_mots(None, conservation.preavis().days),
    }


@login_not_required
@require_safe
def page(request):
    return render(request, "inclusion/donnees_publiques/page.html", contexte())
