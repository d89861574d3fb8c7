"""Seeding of the dashboards' bench (bench/pilotage.py): the demo once, through the services,
then its rows cloned N-1 more times with bulk_create (fast; the services are tested
elsewhere). Called after common.setup_django().

What is cloned is what the dashboard counts: people, carnets, chèques, redemptions and
statements (pass numérique), sessions and registrations (ateliers), activity records and
their participants, orientations and their receiving places, SMS. Every clone keeps its
foreign keys to the demo's structures, places, communes, quartiers, programmes, themes and
users, and points to the clones of the same copy for the rest (a copy's chèque belongs to the
copy's carnet, its SMS is about the copy's registration). Copy k has all its dates moved k/N
of a year back, so the N copies spread over the last 12 months and keep their order within
a copy (issued before cashed, sent before answered)."""

import datetime
import hashlib
import io
import re
import uuid

# Cloned in this order: each model's foreign keys to cloned models point to earlier ones.
ORDER = (
    "inclusion.Beneficiaire",
    "pass_numerique.Releve",
    "pass_numerique.Carnet",
    "pass_numerique.Cheque",
    "pass_numerique.Encaissement",
    "ateliers.Session",
    "ateliers.Inscription",
    "mediation.Activite",
    "mediation.Participant",
    "mediation.Orientation",
    "mediation.Destinataire",
    "inclusion.SmsMessage",
)
ABOUT = re.compile(r"^(?P<label>[a-z_]+\.[a-z_]+)#(?P<pk>\d+)$")


def seed_demo():
    """The demo, written (its own output kept quiet)."""
    from django.core.management import call_command

    call_command("demo", wet_run=True, stdout=io.StringIO())


def counts():
    """{model label: rows} of the cloned models."""
    from django.apps import apps

    return {label: apps.get_model(label).objects.count() for label in ORDER}


def _unique_hash(value, copy):
    # Same length as the original (64 hex characters), different for each copy.
    return hashlib.sha256(f"{value}:{copy}".encode()).hexdigest()


def _suffixed(field, value, copy):
    if not value:
        return value  # empty unique fields are NULL or blank: left as they are
    suffix = f"-b{copy}"
    return value[: field.max_length - len(suffix)] + suffix


class Cloner:
    """Clones the demo's rows (read once, as they are before the first copy)."""

    def __init__(self, fois):
        from django.apps import apps
        from django.db import models

        self.fois = fois
        self.models = [apps.get_model(label) for label in ORDER]
        self.originals = {m: list(m.objects.order_by("pk")) for m in self.models}
        self.fields = {}
        for model in self.models:
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            dated = [
                f
                for f in fields
                if isinstance(f, (models.DateField, models.DateTimeField))
                and not (model._meta.label == "pass_numerique.Releve" and f.name == "mois")
            ]
            self.fields[model] = (fields, dated)

    def _shift(self, copy):
        """How far back copy k's dates go: k/N of a year."""
        return datetime.timedelta(days=copy * 365 // self.fois)

    def _clone(self, model, original, copy, maps):
        from django.db import models

        fields, dated = self.fields[model]
        values = {f.attname: getattr(original, f.attname) for f in fields}
        shift = self._shift(copy)
        for f in dated:
            if values[f.attname] is not None:
                values[f.attname] -= shift
        for f in fields:
            if f.is_relation and f.related_model in maps and values[f.attname] is not None:
                if f.name == "remplace":
                    continue  # set once the copy's carnets exist (see seed_copies)
                values[f.attname] = maps[f.related_model][(copy, values[f.attname])]
            elif f.unique and isinstance(f, models.UUIDField):
                values[f.attname] = uuid.uuid4()
            elif f.name == "code_hash":
                values[f.attname] = _unique_hash(values[f.attname], copy)
            elif f.unique and isinstance(f, models.CharField):
                values[f.attname] = _suffixed(f, values[f.attname], copy)
        label = model._meta.label
        if label == "pass_numerique.Encaissement":
            values["demande_id"] = uuid.uuid4()
        elif label == "pass_numerique.Releve":
            # One statement a place, programme and month: each copy's in another year.
            values["mois"] = values["mois"].replace(year=values["mois"].year - copy)
        elif label == "inclusion.SmsMessage":
            values["about"] = self._about(values["about"], copy, maps)
        if label == "pass_numerique.Carnet":
            values["remplace_id"] = None
        return model(**values)

    @staticmethod
    def _about(about, copy, maps):
        """ "ateliers.inscription#12" → the same copy's registration."""
        from django.apps import apps

        match = ABOUT.match(about or "")
        if not match:
            return about
        try:
            model = apps.get_model(match["label"])
        except LookupError:
            return about
        new = maps.get(model, {}).get((copy, int(match["pk"])))
        return f"{match['label']}#{new}" if new else about

    def seed_copies(self, copies):
        """Clone every model for these copy numbers (1..N-1), in one transaction."""
        from django.db import transaction

        maps = {}
        with transaction.atomic():
            for model in self.models:
                objects, keys = [], []
                for copy in copies:
                    for original in self.originals[model]:
                        objects.append(self._clone(model, original, copy, maps))
                        keys.append((copy, original.pk))
                model.objects.bulk_create(objects, batch_size=2000)
                maps[model] = {key: obj.pk for key, obj in zip(keys, objects, strict=True)}
                if model._meta.label == "pass_numerique.Carnet":
                    self._link_replacements(model, copies, maps[model])

    def _link_replacements(self, model, copies, mapping):
        updated = []
        for copy in copies:
            for original in self.originals[model]:
                if original.remplace_id is not None:
                    clone = model(pk=mapping[(copy, original.pk)])
                    clone.remplace_id = mapping[(copy, original.remplace_id)]
                    updated.append(clone)
        model.objects.bulk_update(updated, ["remplace_id"], batch_size=2000)


def multiply(fois, group=10, say=None):
    """The demo's rows N times in all (N-1 copies), `group` copies a transaction."""
    cloner = Cloner(fois)
    copies = list(range(1, fois))
    for start in range(0, len(copies), group):
        cloner.seed_copies(copies[start : start + group])
        if say:
            say(f"  copies {copies[start]}–{copies[min(start + group, len(copies)) - 1]} done")
