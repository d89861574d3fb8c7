"""The naming rule of CONTRIBUTING.md: a function that does something starts with an English
verb, never a French one (`refuse_sms`, not `refuser_sms`); predicates are can_/is_/has_."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["inclusion", "pass_numerique", "ateliers", "mediation", "cms"]

# French verbs (infinitive or imperative, and the predicate forms "peut", "est") that began a
# function name in these apps, plus a few common ones of the domain.
FRENCH_VERBS = frozenset(
    """
    accepter activer afficher ajouter alerter annuler appliquer avertir bloquer calculer changer
    chercher choisir cloturer commencer confiner confirmer construire couper creer delivrer
    demarrer emettre encaisser enregistrer enumerer envoyer est etablir expirer filtrer fournir
    garder grouper imprimer inscrire invalider journaliser lire maj marquer modifier noter
    oublier payer peut prendre preparer publier qualifier raccourcir rattacher reautoriser
    recommencer refuser regenerer remplacer rendre renvoyer repondre reserver revoquer sortir
    supprimer terminer trouver valider verifier
    """.split()
)

# Template tags and filters keep the name template authors write ({{ debut|heure_en_mots }}).
TEMPLATE_REGISTRATIONS = {"filter", "simple_tag", "inclusion_tag", "tag"}

# Offenders not renamed yet (their files were being changed by other work); only shrinks.
PENDING = {
    "ateliers/ical.py:peut_avoir_calendrier",
    "ateliers/ical.py:regenerer_calendrier",
    "ateliers/ical.py:revoquer_calendrier",
    "ateliers/services/notifications.py:rendre",
    "ateliers/services/stats.py:peut_voir_statistiques",
    "ateliers/views/emargement.py:ajouter",
    "ateliers/views/emargement.py:cloturer",
    "ateliers/views/emargement.py:creer",
    "ateliers/views/inscriptions.py:inscrire_confirmer",
    "ateliers/views/inscriptions.py:inscrire_personne",
    "ateliers/views/inscriptions.py:inscrire_session",
    "cms/demo.py:_publier",
    "cms/journeys/commun.py:filtrer_ou",
    "cms/journeys/forms.py:lire_ou",
    "cms/journeys/inscription.py:_envoyer",
    "cms/journeys/inscription.py:commencer",
    "cms/journeys/inscription.py:renvoyer",
    "cms/journeys/inscription.py:terminer",
    "cms/journeys/inscription.py:verifier",
    "cms/journeys/lieux.py:grouper",
    "cms/journeys/lieux.py:preparer",
    "cms/journeys/limites.py:noter",
    "cms/models/habillage.py:construire",
    "cms/models/habillage.py:fournir",
    "cms/wagtail_hooks.py:_avertir",
    "inclusion/horaires.py:_enumerer",
    "inclusion/models/beneficiaires.py:peut_recevoir_sms",
    "inclusion/sms/textes.py:raccourcir",
    "pass_numerique/views/delivrer.py:_confirmer",
    "pass_numerique/views/delivrer.py:choisir_personne",
    "pass_numerique/views/delivrer.py:confirmer_anonyme",
    "pass_numerique/views/delivrer.py:confirmer_personne",
    "pass_numerique/views/public.py:noter_echec",
}


def _is_template_registration(decorator):
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "register"
        and target.attr in TEMPLATE_REGISTRATIONS
    )


def offenders(source, filename):
    """`filename:line:name` of each function or method whose first word is a French verb."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if any(_is_template_registration(d) for d in node.decorator_list):
            continue
        first_word = node.name.lstrip("_").split("_")[0]
        if first_word in FRENCH_VERBS:
            found.append(f"{filename}:{node.lineno}:{node.name}")
    return found


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            yield path


def test_no_function_starts_with_a_french_verb():
    found = []
    for path in _modules():
        found += offenders(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    new = [f for f in found if _key(f) not in PENDING]
    assert new == [], "Rename with an English verb (CONTRIBUTING.md):\n" + "\n".join(new)


def _key(offender):
    path, _, name = offender.split(":")
    return f"{path}:{name}"


def test_checker_catches_a_planted_offender():
    source = """
from django import template
register = template.Library()

def redeem_cheque(): ...
def sessions_a_venir(): ...
def is_refused(): ...
def refuser_sms(): ...
def _verifier(code): ...
class Vue:
    def encaisser(self): ...
    async def peut_inscrire(self):
        def noter(): ...
@register.filter
def est_complet(session): ...
@register.simple_tag(takes_context=True)
def envoyer_tag(context): ...
"""
    assert offenders(source, "planted.py") == [
        "planted.py:8:refuser_sms",
        "planted.py:9:_verifier",
        "planted.py:11:encaisser",
        "planted.py:12:peut_inscrire",
        "planted.py:13:noter",
    ]
