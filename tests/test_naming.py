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
    assert found == [], "Rename with an English verb (CONTRIBUTING.md):\n" + "\n".join(found)


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
