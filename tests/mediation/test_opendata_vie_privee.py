"""No personal data in any dataset: with people registered (seats and waiting list) and
staff at the places, every file of the catalogue (and the page) is scanned for their names,
phone numbers and e-mail addresses, and for the structures' contact person."""

import re

import pytest
from django.urls import reverse

from mediation.opendata import catalogue
from tests.cms.conftest import build_site
from tests.mediation import monde_opendata

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def _phones(e164):
    """The ways a French number may be written: +33612345678, 0612345678, 06 12 34 56 78,
    06.12.34.56.78, and its last 8 digits."""
    national = "0" + e164[3:]
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    return {e164, national, " ".join(pairs), ".".join(pairs), national[-8:]}


def _flat(content):
    """The bytes as text, iCal's folded lines unfolded and its escapes read (JSON is written
    with ensure_ascii=False: accents as they are)."""
    text = re.sub(r"\r?\n[ \t]", "", content.decode("utf-8"))
    for escaped, plain in (("\\,", ","), ("\\;", ";"), ("\\n", "\n"), ("\\\\", "\\")):
        text = text.replace(escaped, plain)
    return text


def _secrets(monde):
    found = set()
    for personne in monde["personnes"]:
        found |= {personne.prenom, personne.nom, personne.courriel}
        found |= _phones(str(personne.telephone))
    for user in monde["staff"]:
        found.add(user.email)
        if user.last_name:
            found.add(user.last_name)
    structure = monde["complet"].structure
    found |= {structure.contact_nom, structure.courriel}
    found |= _phones(str(structure.telephone))
    return {s for s in found if s}


def _every_file(client):
    names = ["opendata:jeux", "opendata:catalogue"] + [
        fmt.url_name for jeu in catalogue.JEUX for fmt in jeu.formats
    ]
    for name in names:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        content = b"".join(response.streaming_content) if response.streaming else response.content
        yield name, content


@pytest.mark.parametrize("with_site", [False, True])
def test_no_dataset_holds_a_name_a_phone_or_an_email_of_a_person(client, with_site):
    monde = monde_opendata.build()
    if with_site:
        build_site()
    secrets = _secrets(monde)
    assert len(secrets) > 20
    scanned = 0
    for name, content in _every_file(client):
        text = _flat(content)
        leaks = sorted(s for s in secrets if s.lower() in text.lower())
        assert leaks == [], name
        scanned += 1
    assert scanned == 8


def test_the_scan_would_see_a_leak(client):
    """The scan reads what a file holds: the places' own contacts are there."""
    monde = monde_opendata.build()
    files = dict(_every_file(client))
    assert "contact@mediatheque.example" in _flat(files["opendata:lieux_csv"])
    assert monde["complet"].nom in _flat(files["opendata:ateliers_ics"])
