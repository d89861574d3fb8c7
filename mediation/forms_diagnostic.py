"""Forms of the diagnostic: the whole questionnaire on one page (espace pro), a Pix or ABC
Diag result, and the public site's SMS. The kiosk and the public site ask one question a page
with mediation/views/diagnostic_etapes.py, the answers carried in the form itself."""

from django import forms
from django.utils import timezone

from inclusion.forms import TelephoneField, date_field
from mediation import diagnostic
from mediation.services.diagnostics import DUREE_DEFAUT, OUTILS_EXTERNES, RESULTAT_MAX
from mediation.vocabulaire import OutilDiagnostic

DUREES = [(15, "15 minutes"), (30, "30 minutes"), (45, "45 minutes"), (60, "1 heure")]
CHOIX_SCORES = [(str(v), libelle) for v, libelle in diagnostic.REPONSES]


class QuestionnaireForm(forms.Form):
    """The 8 questions at once (a professional asks them aloud), then, when the diagnostic
    counts as an activity, its date, place and duration."""

    obstacles = forms.MultipleChoiceField(
        label="Ce qui bloque la personne",
        choices=[(o.cle, o.libelle) for o in diagnostic.OBSTACLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Cochez tout ce qui est vrai, ou rien.",
    )
    date = date_field()
    lieu = forms.ModelChoiceField(label="Lieu d'activité", queryset=None, required=False)
    duree_minutes = forms.TypedChoiceField(
        label="Durée", choices=DUREES, coerce=int, initial=DUREE_DEFAUT
    )

    def __init__(self, *args, lieux=None, activite=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        for domaine in diagnostic.DOMAINES:
            self.fields[domaine.cle] = forms.TypedChoiceField(
                label=domaine.question,
                help_text=domaine.exemple,
                choices=CHOIX_SCORES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choisissez une réponse."},
            )
        lieux = list(lieux or [])
        if not activite or len(lieux) <= 1:
            # No choice to make: the service takes the only lieu (or none for a prescripteur).
            del self.fields["lieu"]
        else:
            self.fields["lieu"].queryset = lieux[0].__class__.objects.filter(
                pk__in=[lieu.pk for lieu in lieux]
            )
            self.fields["lieu"].required = True
        if not activite:
            del self.fields["duree_minutes"]

    @property
    def questions(self):
        return [self[d.cle] for d in diagnostic.DOMAINES]

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {
            "obstacles": data["obstacles"],
            "scores": {d.cle: data[d.cle] for d in diagnostic.DOMAINES},
            "date": data["date"],
        }
        if data.get("lieu") is not None:
            kwargs["lieu"] = data["lieu"]
        if data.get("duree_minutes"):
            kwargs["duree_minutes"] = data["duree_minutes"]
        return kwargs


class ResultatExterneForm(forms.Form):
    outil = forms.ChoiceField(
        label="Outil",
        choices=[(c, OutilDiagnostic(c).label) for c in OUTILS_EXTERNES],
        widget=forms.RadioSelect,
    )
    date = date_field(
        label="Date du test",
    )
    resultat_externe = forms.CharField(
        label="Score ou niveau obtenu",
        max_length=RESULTAT_MAX,
        help_text="Tel qu'il est écrit, par exemple « niveau 2 » ou « 180 pix ».",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class SmsForm(forms.Form):
    """The public site: the result by SMS, only with the box ticked."""

    telephone = TelephoneField(
        label="Votre numéro de portable",
        required=True,
        help_text="Par exemple : 06 12 34 56 78.",
    )
    consentement = forms.BooleanField(
        label="J'accepte de recevoir 1 SMS avec mon résultat.", required=False
    )
