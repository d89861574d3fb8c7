"""The dashboards' filter form (GET: the URL carries the filters, shareable). It only
displays and checks them; mediation.pilotage.filtres.parse_filtres reads them, and the view
drops a choice outside the viewer's scope (with the form's message next to its field).

Choices are limited to the viewer's scope (mediation.pilotage.filtres.Portee): structures and
places of their structures, the programmes those take part in. Communes and quartiers are the
territory's geography, the same for everyone."""

from django import forms
from django.db.models import Q

from inclusion.enums import Role
from inclusion.forms import date_field
from inclusion.models import Commune, Lieu, Quartier, Structure
from pass_numerique.models import Programme

CHOIX_IDS = ("commune", "quartier", "structure", "lieu", "programme")
HORS_LISTE = "Choisissez une valeur de la liste : celle-ci n'existe pas ou vous n'y avez pas accès."


def _choice(label, vide):
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", vide)],
        error_messages={"invalid_choice": HORS_LISTE},
    )


class PilotageFiltreForm(forms.Form):
    du = date_field(label="Du", required=False)
    au = date_field(
        label="Au",
        required=False,
        help_text="Chaque chiffre est comparé à la période précédente de même durée.",
    )
    # People's figures take the person's commune, places' figures the place's: each figure's
    # help says which.
    commune = _choice("Commune", "Toutes")
    quartier = _choice("Quartier", "Tous")
    structure = _choice("Structure", "Toutes")
    lieu = _choice("Lieu", "Tous")
    programme = _choice("Programme de pass numérique", "Tous")

    def __init__(self, *args, portee, **kwargs):
        super().__init__(*args, **kwargs)
        self.portee = portee
        self.structures = list(self._structures())
        # Plain rows, not model instances: a national territory has 15,000 of them.
        communes = Commune.objects.values_list("pk", "nom")
        quartiers = Quartier.objects.values_list("pk", "nom", "commune__nom", "prioritaire")
        self.fields["commune"].choices += [(str(pk), nom) for pk, nom in communes]
        self.fields["quartier"].choices += [
            (str(pk), f"{nom} ({commune}){' · QPV' if qpv else ''}")
            for pk, nom, commune, qpv in quartiers
        ]
        self.fields["structure"].choices += [(str(s.pk), s.nom) for s in self.structures]
        self.fields["lieu"].choices += [(str(lieu.pk), lieu.nom) for lieu in self._lieux()]
        self.fields["programme"].choices += [(str(p.pk), p.nom) for p in self._programmes()]

    def _structures(self):
        qs = Structure.objects.only("nom").order_by("nom")
        if self.portee.territoire:
            return qs
        return qs.filter(pk__in=self.portee.structures)

    def _lieux(self):
        qs = Lieu.objects.only("nom").order_by("nom")
        if self.portee.territoire:
            return qs
        return qs.filter(structure_id__in=self.portee.structures)

    def _programmes(self):
        qs = Programme.objects.only("nom").order_by("nom")
        if self.portee.territoire:
            return qs
        if self.portee.role == Role.MEDIATEUR:
            # The programmes their places accept (an empty list: every qualified place).
            scope = Q(lieux__structure_id__in=self.portee.structures) | Q(lieux__isnull=True)
        else:
            scope = Q(enveloppes__structure_id__in=self.portee.structures)
        return qs.filter(scope).distinct()

    def refused(self):
        """The id filters the form refused (outside the lists): the view ignores them."""
        return [name for name in CHOIX_IDS if name in self.errors]

    def chosen_labels(self):
        """[(label, value)] of the filters chosen, for the PDF and the exports' header."""
        result = []
        if not self.is_bound:
            return result
        for name in CHOIX_IDS:
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if value:
                labels = dict(self.fields[name].choices)
                result.append((self.fields[name].label, labels.get(value, value)))
        return result


class PartageForm(forms.Form):
    """A public share link of the dashboard: its title and optional end date (the service
    checks both and says why it refuses)."""

    titre = forms.CharField(
        label="Titre du lien",
        max_length=150,
        help_text="Pour vous retrouver dans vos liens, par exemple « Conseil municipal de mars ».",
        error_messages={
            "required": "Indiquez un titre.",
            "max_length": "Le titre dépasse 150 caractères.",
        },
    )
    expire_le = date_field(
        label="Valable jusqu'au (facultatif)",
        required=False,
        help_text="Laissez vide pour un lien sans fin, que vous pourrez retirer à tout moment.",
    )
