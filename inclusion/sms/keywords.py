"""Two-way SMS keywords: a registry that higher layers fill from AppConfig.ready().

    from inclusion.sms.keywords import register_keyword
    register_keyword("SOLDE", handle_solde, "SOLDE : vos chèques restants")

A handler receives an `Inbound` and returns the French reply text, or None for no reply.
The socle registers STOP / ARRET, START and AIDE itself (handled in inbound.py).
"""

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Inbound:
    """What a keyword handler receives (never log `telephone` or `recu.corps`)."""

    telephone: str  # E.164
    beneficiaires: list  # every person with this mobile number (a number may be shared)
    argument: str = ""  # what follows the keyword, normalized ("12" in "ANNULER 12")
    recu: object = None  # the SmsRecu row


@dataclass(frozen=True)
class Keyword:
    word: str
    handler: object  # callable(Inbound) -> str | None
    help_line: str = ""  # one line of the help text; empty: not listed
    aliases: tuple = field(default=())
    order: int = 100


_keywords = {}  # normalized word or alias -> Keyword


def normalize(text):
    """Upper case, no accents, no punctuation, single spaces: " Arrêt. " -> "ARRET"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9A-Za-z]+", " ", plain).upper().split())


def register_keyword(word, handler, help_line="", *, aliases=(), order=100):
    """Register (or replace) a keyword; `aliases` answer the same (ARRET for STOP)."""
    keyword = Keyword(normalize(word), handler, help_line, tuple(aliases), order)
    if not keyword.word:
        raise ValueError("A keyword needs at least one letter or digit.")
    for name in (word, *aliases):
        _keywords[normalize(name)] = keyword
    return keyword


def unregister_keyword(word):
    """Remove a keyword and its aliases (tests, or a layer switched off)."""
    keyword = _keywords.get(normalize(word))
    if keyword is not None:
        for name, value in list(_keywords.items()):
            if value is keyword:
                del _keywords[name]


def match(body):
    """(Keyword, argument) for the first word of the body, or (None, "")."""
    words = normalize(body).split(" ", 1)
    keyword = _keywords.get(words[0])
    if keyword is None:
        return None, ""
    return keyword, words[1] if len(words) > 1 else ""


def registered():
    """Distinct keywords, in help order."""
    unique = {id(k): k for k in _keywords.values()}.values()
    return sorted(unique, key=lambda k: (k.order, k.word))


def help_lines():
    return [k.help_line for k in registered() if k.help_line]
