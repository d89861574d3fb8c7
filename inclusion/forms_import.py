"""Forms of the import of people: the file and its structure, then the confirmation.

Between the preview and the confirmation nothing is written: the rows read travel in a signed,
compressed hidden field (`jeton`), bound to the user and the structure, valid one hour.
"""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from inclusion.services import import_personnes as service

SEL = "inclusion.import_personnes"
DUREE_APERCU = 60 * 60  # seconds a preview may be confirmed


class DepotForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure qui inscrit les personnes",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Choisissez une de vos structures."},
    )
    fichier = forms.FileField(
        label="Fichier des personnes",
        help_text="CSV (séparateur « ; » ou « , ») ou Excel (.xlsx), 2 Mo et 2 000 personnes au "
        "plus. Un export « Mes bénéficiaires » de La Coop de la médiation numérique convient.",
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
            "invalid": "Choisissez le fichier à importer.",
        },
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.ms-excel,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > service.MAX_OCTETS:
            raise ValidationError(
                "Le fichier dépasse 2 Mo. Coupez-le en plusieurs fichiers.", code="taille"
            )
        try:
            self.lu = service.read_file(fichier.read())
        except ValidationError as erreur:
            raise ValidationError(erreur.messages[0], code=erreur.code) from None
        return fichier

    def jeton(self, user):
        """The rows read, signed for this user and structure (no personal data leaves
        unsigned; the page that holds it is the user's own)."""
        lu = self.lu
        return signing.dumps(
            {
                "u": user.pk,
                "s": self.cleaned_data["structure"].pk,
                "f": lu.format,
                "l": lu.lignes,
            },
            salt=SEL,
            compress=True,
        )


class ConfirmationForm(forms.Form):
    jeton = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": "Cet aperçu n'est plus valable. Déposez le fichier à nouveau."},
    )

    def __init__(self, *args, user, structures, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.structures = user, structures

    def clean_jeton(self):
        try:
            data = signing.loads(self.cleaned_data["jeton"], salt=SEL, max_age=DUREE_APERCU)
        except signing.SignatureExpired:
            raise ValidationError(
                "L'aperçu date de plus d'une heure. Déposez le fichier à nouveau.", code="expire"
            ) from None
        except signing.BadSignature:
            raise ValidationError(
                "Cet aperçu n'est plus valable. Déposez le fichier à nouveau.", code="invalide"
            ) from None
        if data.get("u") != self.user.pk:
            raise ValidationError(
                "Cet aperçu n'est plus valable. Déposez le fichier à nouveau.", code="invalide"
            )
        structure = self.structures.filter(pk=data.get("s")).first()
        if structure is None:
            raise ValidationError(
                "Vous ne pouvez plus inscrire de personnes pour cette structure.",
                code="structure",
            )
        self.structure = structure
        self.format = data.get("f", service.FORMAT_SIMPLE)
        self.lignes = [(int(n), dict(v)) for n, v in data.get("l", [])]
        return self.cleaned_data["jeton"]
