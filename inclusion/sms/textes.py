"""SMS texts reworded by coordinators ("Textes des SMS" in the Wagtail admin).

    body = render("rappel_48h", DEFAULT, titre=..., quand=..., lieu=...)

The coordinator's active text for that kind is used when there is one; otherwise, or when it
cannot be filled with the values given (unknown or missing variable, stray brace), the
built-in `default` is sent: a reworded text never stops a message.
"""

import contextlib
import logging
import string
import threading

from django.conf import settings

from inclusion.models.textes import CleTexteSms, TexteSms
from inclusion.sms import gsm

logger = logging.getLogger(__name__)

VARIABLES = {
    "titre": "titre de l'atelier en facile à lire",
    "quand": "jour et heure, par exemple « le mardi 3 décembre à 14 h »",
    "lieu": "nom du lieu",
    "aide": "numéro de téléphone d'aide",
    "rang": "place sur la liste d'attente",
    "lien": "adresse du pass numérique (le code est masqué dans les copies gardées)",
    "apporter": "ce qu'il faut apporter au rendez-vous (peut être vide)",
}

_ATELIER = ("titre", "quand", "lieu")

# kind → (allowed variables, mandatory variables)
KINDS = {
    CleTexteSms.ATELIER_INSCRIPTION: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.ATELIER_ATTENTE: (("titre", "quand", "lieu", "aide", "rang"), _ATELIER),
    CleTexteSms.ATELIER_PROMOTION: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.ATELIER_CHANGEMENT: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.ATELIER_ANNULATION_SESSION: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.ATELIER_ANNULATION: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.RAPPEL_48H: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.RAPPEL_MATIN: (("titre", "quand", "lieu", "aide"), _ATELIER),
    CleTexteSms.PASS_LIEN: (("lien", "aide"), ("lien",)),
    CleTexteSms.ORIENTATION_ACCEPTEE: (("quand", "lieu", "apporter", "aide"), ("quand", "lieu")),
    CleTexteSms.ORIENTATION_RDV_DEPLACE: (("quand", "lieu", "apporter", "aide"), ("quand", "lieu")),
}

# Reminders must also say how to cancel: the ANNULER keyword or the help number.
RAPPELS = (CleTexteSms.RAPPEL_48H, CleTexteSms.RAPPEL_MATIN)


def sample_values():
    """Values like the demo's, for the preview."""
    return {
        "titre": "Utiliser son téléphone",
        "quand": "le mardi 3 décembre à 14 h",
        "lieu": "Médiathèque François Mitterrand",
        "aide": settings.HELP_PHONE,
        "rang": "2",
        "lien": f"{settings.SITE_URL}/p/K7MQ2XH4RT9B",
        "apporter": "Apportez votre téléphone.",
    }


def fields(corps):
    """Names between braces, in order. Raises ValueError on a stray brace."""
    return [name for _, name, _, _ in string.Formatter().parse(corps) if name is not None]


def validate(kind, corps):
    """French error messages (empty list when the text is fine)."""
    if kind not in KINDS:
        return ["Ce type de message n'existe pas."]
    allowed, mandatory = KINDS[kind]
    try:
        names = fields(corps)
    except ValueError:
        return [
            "Une accolade n'est pas fermée ou est en trop : écrivez les variables comme {titre}."
        ]
    erreurs = []
    inconnues = sorted({n for n in names if n not in allowed})
    if inconnues:
        liste = ", ".join("{" + n + "}" for n in inconnues)
        permises = ", ".join("{" + n + "}" for n in allowed)
        pluriel = "Variables inconnues" if len(inconnues) > 1 else "Variable inconnue"
        erreurs.append(f"{pluriel} : {liste}. Variables possibles : {permises}.")
    manquantes = [n for n in mandatory if n not in names]
    if manquantes:
        liste = ", ".join("{" + n + "}" for n in manquantes)
        pluriel = "Il manque les variables" if len(manquantes) > 1 else "Il manque la variable"
        erreurs.append(f"{pluriel} {liste} : le message doit les citer.")
    if kind in RAPPELS and "ANNULER" not in corps and "aide" not in names:
        erreurs.append(
            "Un rappel doit dire comment annuler : écrivez « répondez ANNULER » "
            "ou donnez le numéro d'aide avec {aide}."
        )
    return erreurs


def fill(corps, values):
    """The text with its variables replaced; only plain names, never attribute access."""
    names = fields(corps)
    if any(name not in values for name in names):
        raise KeyError("variable sans valeur")
    return corps.format_map({name: values[name] for name in names})


_local = threading.local()


@contextlib.contextmanager
def cached():
    """Read each kind's text once for a whole sweep (thousands of reminders)."""
    if getattr(_local, "cache", None) is not None:
        yield  # already inside a sweep's cache
        return
    _local.cache = {}
    try:
        yield
    finally:
        _local.cache = None


def active_text(kind):
    cache = getattr(_local, "cache", None)
    if cache is not None and kind in cache:
        return cache[kind]
    corps = TexteSms.objects.filter(cle=kind, actif=True).values_list("corps", flat=True).first()
    if cache is not None:
        cache[kind] = corps
    return corps


def render(kind, default, **values):
    """The coordinator's active text for `kind` if it can be filled, else `default`."""
    corps = active_text(kind)
    if corps:
        try:
            return fill(corps, values)
        except (KeyError, ValueError, IndexError):
            logger.warning("Texte de SMS %s inutilisable : le texte par défaut est envoyé.", kind)
    return default.format(**values)


def shorten(valeur, taille):
    """`valeur` in at most `taille` characters, ending with "...": cut after a whole word
    when that loses only a few letters ("Maison France Services du quartier" -> "Maison
    France Services...")."""
    if len(valeur) <= taille:
        return valeur
    coupe = valeur[: max(taille - 3, 1)]
    if valeur[len(coupe)] != " " and " " in coupe[-8:]:
        coupe = coupe.rsplit(" ", 1)[0]
    return coupe.rstrip(" ,;:-'") + "..."


# When a text is too long for one SMS, the long names are cut down to PALIERS[0] characters,
# then the date loses its weekday ("quand_court"), then names go down to each next step. Below
# the last one the text is sent as it is (two SMS rather than a meaningless one).
PALIERS = (30, 20, 12)


def un_segment(render_text, valeurs, variables=("lieu", "titre")):
    """render_text(valeurs) -> text; returns the text once it fits one GSM-7 segment, shortening
    the variable parts (names of the workshop and the place, then the date) as needed."""
    valeurs = dict(valeurs)

    def is_too_long():
        texte = gsm.normalize(render_text(valeurs))
        # A reworded text outside GSM-7 (an emoji) is long anyway: names are left whole.
        return gsm.encoding(texte) == gsm.GSM7 and gsm.segments(texte) > 1

    def shorten_names(minimum):
        while is_too_long():
            longues = [n for n in variables if len(valeurs.get(n) or "") > minimum]
            if not longues:
                return
            nom = max(longues, key=lambda n: len(valeurs[n]))
            # The longest name first, no shorter than the other one: both keep their start.
            autre = max((len(valeurs.get(n) or "") for n in variables if n != nom), default=0)
            exces = gsm.length(gsm.normalize(render_text(valeurs))) - 160
            taille = max(minimum, len(valeurs[nom]) - max(exces, 1))
            if autre < len(valeurs[nom]):
                taille = max(taille, autre)
            valeurs[nom] = shorten(valeurs[nom], taille)

    with cached():  # the coordinator's text is read once, not at each try
        for n, minimum in enumerate(PALIERS):
            shorten_names(minimum)
            if n == 0 and is_too_long() and valeurs.get("quand_court"):
                valeurs["quand"] = valeurs["quand_court"]
        return render_text(valeurs)


def preview(kind, corps):
    """What the text looks like with sample values, and what it costs once normalized."""
    try:
        texte = fill(corps, sample_values())
    except (KeyError, ValueError, IndexError):
        return None
    encodage, caracteres, segments = gsm.describe(texte)
    return {
        "texte": gsm.normalize(texte),
        "encodage": encodage,
        "caracteres": caracteres,
        "segments": segments,
        "limite": 160 if encodage == gsm.GSM7 else 70,
    }


def help_rows():
    """For each kind: its label, allowed and mandatory variables (shown in the admin)."""
    rows = []
    for kind, (allowed, mandatory) in KINDS.items():
        obligatoires = ["{" + n + "}" for n in mandatory]
        if kind in RAPPELS:
            obligatoires.append("« ANNULER » ou {aide}")
        rows.append(
            {
                "label": kind.label,
                "variables": [("{" + n + "}", VARIABLES[n]) for n in allowed],
                "obligatoires": obligatoires,
            }
        )
    return rows
