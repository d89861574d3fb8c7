"""GSM-7 texts: keep accents like é è à (they are GSM-7), replace what would switch the whole
message to UCS-2 (ê ç ’ « …), and count segments as operators bill them."""

import math

# GSM 03.38 basic character set, and the extension table (each costs two characters).
BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = set("^{}\\[~]|€\f")

REPLACEMENTS = {
    "ê": "e", "ë": "e", "â": "a", "î": "i", "ï": "i", "ô": "o", "û": "u", "ç": "c",
    "Ê": "E", "Ë": "E", "È": "E", "Â": "A", "À": "A", "Î": "I", "Ï": "I", "Ô": "O",
    "Û": "U", "Ù": "U", "Œ": "OE", "œ": "oe", "æ": "ae", "ÿ": "y",
    "’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "…": "...", "–": "-", "—": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "•": "-", "°": "o",
}  # fmt: skip

GSM7 = "GSM-7"
UCS2 = "UCS-2"


def normalize(text):
    """Replace characters outside GSM-7 by their closest GSM-7 spelling, when one exists."""
    return "".join(REPLACEMENTS.get(char, char) for char in text)


def encoding(text):
    return GSM7 if all(c in BASIC or c in EXTENSION for c in text) else UCS2


def length(text):
    """Length in GSM-7 septets (extension characters count twice), or in UCS-2 characters."""
    if encoding(text) == GSM7:
        return sum(2 if c in EXTENSION else 1 for c in text)
    return len(text)


def segments(text):
    """Billed segments: 160 (GSM-7) or 70 (UCS-2) for one; 153 or 67 each when split."""
    size = length(text)
    single, multi = (160, 153) if encoding(text) == GSM7 else (70, 67)
    if size <= single:
        return 1 if size else 0
    return math.ceil(size / multi)


def describe(text):
    """(encoding, characters, segments) of a text as it will be sent after normalization."""
    clean = normalize(text)
    return encoding(clean), length(clean), segments(clean)
