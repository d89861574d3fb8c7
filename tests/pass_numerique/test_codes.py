import pytest
from hypothesis import given
from hypothesis import strategies as st

from pass_numerique import codes

ALPHABET = codes.ALPHABET


def _data():
    return st.text(alphabet=ALPHABET, min_size=16, max_size=16)


@given(_data())
def test_a_code_with_its_check_character_validates(data):
    code = data + codes.check_character(data)
    assert codes.normalize(code) == code
    assert codes.normalize(codes.format_code(code).lower()) == code


@given(_data(), st.integers(0, 16), st.sampled_from(ALPHABET))
def test_every_single_substitution_is_caught(data, position, replacement):
    code = data + codes.check_character(data)
    if code[position] == replacement:
        return
    typo = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(codes.InvalidCode) as exc:
        codes.normalize(typo)
    assert "faute de frappe" in exc.value.reason


@given(_data(), st.integers(0, 15))
def test_every_swap_of_neighbours_is_caught(data, position):
    code = data + codes.check_character(data)
    if code[position] == code[position + 1]:
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    with pytest.raises(codes.InvalidCode):
        codes.normalize(swapped)


def test_generated_codes_have_80_random_bits_and_differ():
    generated = {codes.generate() for _ in range(1000)}
    assert len(generated) == 1000
    assert all(len(c) == 17 and set(c) <= set(ALPHABET) for c in generated)


def test_typing_tolerance():
    code = codes.generate()
    typed = codes.format_code(code).lower().replace("0", "o").replace("1", "l")
    assert codes.normalize(f"  {typed} ") == code
    assert codes.normalize(f"https://exemple.fr/c/{codes.format_code(code)}") == code
    assert codes.normalize(f"https://exemple.fr/p/{code}/") == code


@pytest.mark.parametrize(
    "text,message",
    [("", "Saisissez"), ("ABC", "17 caractères"), ("ABCD-EFGH-JKMN-PQRS-U", "U")],
)
def test_bad_codes_have_french_reasons(text, message):
    with pytest.raises(codes.InvalidCode) as exc:
        codes.normalize(text)
    assert message in exc.value.reason


def test_digest_never_contains_the_code():
    code = codes.generate()
    assert code not in codes.digest(code)
    assert len(codes.digest(code)) == 64
