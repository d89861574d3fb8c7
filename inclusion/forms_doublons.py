"""The merge confirmation: which of the two files is kept."""

from django import forms


class FusionForm(forms.Form):
    garder = forms.ChoiceField(
        label="Quel dossier garder ?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le dossier à garder.",
            "invalid_choice": "Choisissez un des deux dossiers.",
        },
    )

    def __init__(self, *args, a, b, **kwargs):
        super().__init__(*args, **kwargs)
        self.files_by_uuid = {str(a.uuid): a, str(b.uuid): b}
        self.fields["garder"].choices = [
            (str(a.uuid), f"Garder le dossier 1 : {a.nom_affiche}"),
            (str(b.uuid), f"Garder le dossier 2 : {b.nom_affiche}"),
        ]

    def kept_and_removed(self):
        kept = self.files_by_uuid[self.cleaned_data["garder"]]
        removed = next(f for f in self.files_by_uuid.values() if f.pk != kept.pk)
        return kept, removed
