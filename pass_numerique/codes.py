"""Chèque and carnet codes: 80 random bits in Crockford base32, plus one check character.

The check character is a Damm check over GF(32): x∘y = 2·x + y in GF(2^5). That quasigroup
is totally anti-symmetric, so the check catches every single-character substitution and every
swap of two neighbouring characters, while staying inside the 32-character alphabet (Crockford's
own mod-37 check would add * ~ $ = U, which are hard to type on a phone).

Codes are stored only as SHA-256 hashes of their 16 data characters: with 80 random bits,
a hash cannot be reversed by trying codes, and it survives a SECRET_KEY rotation.
"""

import hashlib
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
DATA_LENGTH = 16  # 16 × 5 bits = 80 bits
GROUP = 4
_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)

# What people type by mistake, mapped as Crockford says.
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


class InvalidCode(ValueError):
    """The text cannot be a code: wrong length, unknown letter or wrong check character."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _times_two(x):
    x <<= 1
    if x & 0b100000:
        x ^= _POLY
    return x


def _damm(values):
    interim = 0
    for v in values:
        interim = _times_two(interim) ^ v
    return interim


def check_character(data):
    """The character that brings the Damm interim of data + check back to zero."""
    return ALPHABET[_times_two(_damm(VALUE[c] for c in data))]


def generate():
    """A new random code (16 data characters + 1 check), without separators."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return data + check_character(data)


def format_code(code):
    """ "K7MQ3ZP9XW2HD4RTV" → "K7MQ-3ZP9-XW2H-D4RT-V" (groups of 4, the check alone)."""
    groups = [code[i : i + GROUP] for i in range(0, DATA_LENGTH, GROUP)]
    return "-".join([*groups, code[DATA_LENGTH:]])


_URL_CODE = re.compile(r"/[pc]/([0-9A-Za-z\-\s]+)/?$")


def normalize(text):
    """Clean what a person typed or a scanner sent (a code or the QR's URL) or raise.

    Tolerates spaces, dashes, lower case, O for 0 and I or L for 1.
    """
    text = (text or "").strip()
    match = _URL_CODE.search(text)
    if match:
        text = match.group(1)
    cleaned = re.sub(r"[\s\-_.]", "", text).upper().translate(_CONFUSABLE)
    if not cleaned:
        raise InvalidCode("Saisissez le code imprimé sous le QR code.")
    unknown = sorted({c for c in cleaned if c not in VALUE})
    if unknown:
        raise InvalidCode(
            "Ce code contient des caractères qui n'existent pas dans les codes : "
            + " ".join(unknown)
            + "."
        )
    if len(cleaned) != DATA_LENGTH + 1:
        raise InvalidCode(
            f"Un code compte {DATA_LENGTH + 1} caractères ; celui-ci en compte {len(cleaned)}. "
            "Vérifiez qu'il ne manque rien."
        )
    if _damm(VALUE[c] for c in cleaned) != 0:
        raise InvalidCode(
            "Ce code contient une faute de frappe : vérifiez chaque caractère, "
            "ou scannez le QR code."
        )
    return cleaned


def digest(code):
    """SHA-256 of the 16 data characters of a normalized code."""
    return hashlib.sha256(code[:DATA_LENGTH].encode("ascii")).hexdigest()
