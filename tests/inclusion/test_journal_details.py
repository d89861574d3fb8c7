"""Issue 18: the journal's own details never hold free text typed by users. Every line the
whole demo writes through the services (people, carnets, workshops, records, orientations,
kiosk, accounts…) is read back: its details hold numbers, booleans, ids, dates and keys of
lists only — never a sentence, a name or a phone number."""

import re

import pytest
from django.core.management import call_command

from inclusion.models import Beneficiaire, Journal

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

# A key (a role, a status, a field name, an action), an ISO date or instant, a month, an
# amount: no space, nothing longer than a key.
KEY = re.compile(r"^[A-Za-z0-9_.:+#/-]{0,64}$")


def strings_of(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings_of(k)
            yield from strings_of(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings_of(v)


def test_every_journal_detail_of_the_demo_is_a_key_a_number_or_a_date(settings):
    settings.DEBUG = True  # the demo refuses a production database
    call_command("demo", "--wet-run", verbosity=0)
    lines = list(Journal.objects.values_list("action", "details"))
    assert len(lines) > 100  # the demo journalises a lot: the test reads real lines
    names = {p.lower() for p in Beneficiaire.objects.values_list("prenom", flat=True)}
    bad = [
        (action, text)
        for action, details in lines
        for text in strings_of(details)
        if not KEY.match(text) or text.lower() in names
    ]
    assert bad == []
