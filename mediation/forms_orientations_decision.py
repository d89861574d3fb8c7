"""The receiving place's decision forms, shared by the espace pro (views/orientations_recues.py)
and the signed-link pages (views/orientations_lien.py): accept (an appointment or a session of
the place), refuse (reasons, message), move the appointment, and, in the espace pro only, mark
the orientation as done.

Each form takes the `destinataire` (one place's copy of the request) and `now`; the services
(services/orientations_decision.py) keep the rules: put their refusals on the form with
apply_decision_errors."""

import datetime

from django import forms
from django.utils import timezone

from ateliers.enums import StatutInscription
from ateliers.forms import HEURES
from ateliers.models import Session
from inclusion.forms import apply_service_errors, date_field
from inclusion.mots_du_temps import date_en_mots, heure_en_mots
from mediation.enums_orientations import MotifRefus, StatutOrientation, TypeOrientation
from mediation.models import Activite
from mediation.models_orientations import MESSAGE_MAX
from mediation.services import orientations_avis as avis
from mediation.services.orientations_decision import A_APPORTER_MAX, RDV_HORIZON, RDV_LIEU_MAX

RDV, SESSION = "rdv", "session"
# Service field names → the forms' (the appointment's moment is typed as a date and a time).
RENOMMAGES = {"rdv_le": "date", "liste_attente": "session"}


def apply_decision_errors(form, error):
    """A decision service's ValidationError on the form, each message next to its field. A
    full session sets `form.session_complete` (the page then proposes the waiting list or
    another session)."""
    apply_service_errors(form, error, renames=RENOMMAGES)
    codes = {e.code for e in _flat(error)}
    if "session_complete" in codes:
        form.session_complete = True


def error_codes(error):
    """The codes of a service's ValidationError (to tell "deja_decidee" from a bad field)."""
    return {e.code for e in _flat(error)}


def _flat(error):
    if hasattr(error, "error_dict"):
        return [e for errors in error.error_dict.values() for e in errors]
    return list(getattr(error, "error_list", [error]))


def _heure_field(label="Heure", required=True):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *HEURES],
        coerce=datetime.time.fromisoformat,
        empty_value=None,
        required=required,
        error_messages={
            "required": "Choisissez l'heure du rendez-vous.",
            "invalid_choice": "Choisissez une heure de la liste.",
        },
    )


def _rdv_lieu_field():
    return forms.CharField(
        label="Adresse du rendez-vous",
        max_length=RDV_LIEU_MAX,
        required=False,
        help_text="Par défaut, l'adresse de votre lieu.",
        error_messages={"max_length": f"Écrivez au plus {RDV_LIEU_MAX} caractères."},
    )


def _a_apporter_field():
    return forms.CharField(
        label="À apporter",
        max_length=A_APPORTER_MAX,
        required=False,
        help_text="Facultatif. Exemple : son téléphone, une pièce d'identité, ses identifiants.",
        error_messages={"max_length": f"Écrivez au plus {A_APPORTER_MAX} caractères."},
    )


def _combine(form, data, now):
    """The appointment's aware datetime from its date and time (Paris), or None; a moment past
    or beyond the horizon is refused here (the service says the same, with the same codes)."""
    day, heure = data.get("date"), data.get("heure")
    if day is None or heure is None:
        return None
    rdv_le = timezone.make_aware(datetime.datetime.combine(day, heure))
    if rdv_le <= now:
        form.add_error(
            "date",
            forms.ValidationError("Le rendez-vous doit être dans le futur.", code="rdv_passe"),
        )
        return None
    if rdv_le > now + RDV_HORIZON:
        form.add_error(
            "date",
            forms.ValidationError(
                "Le rendez-vous doit être dans les 6 mois.", code="rdv_trop_loin"
            ),
        )
        return None
    return rdv_le


def _initial_rdv(moment):
    if moment is None:
        return {}
    local = timezone.localtime(moment)
    heure = f"{local.hour:02d}:{local.minute:02d}"
    return {"date": local.date(), "heure": heure if heure in dict(HEURES) else ""}


class SessionChoiceField(forms.ModelChoiceField):
    """Upcoming sessions of the place, each with its seats left (or "complète")."""

    def __init__(self, *args, inscription=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The person's registration made with the request, if any (shown on its session).
        self.inscription = inscription

    def label_from_instance(self, obj):
        # The day first: a narrow select shows the start of the words.
        quand = f"{date_en_mots(obj.debut)}, {heure_en_mots(obj.debut)}"
        inscription = self.inscription
        if inscription is not None and obj.pk == inscription.session_id:
            places = (
                "la personne est sur sa liste d'attente"
                if inscription.statut == StatutInscription.EN_ATTENTE
                else "la personne y est déjà inscrite"
            )
        elif obj.places_libres:
            n = obj.places_libres
            places = f"{n} place{'s' if n > 1 else ''} restante{'s' if n > 1 else ''}"
        else:
            places = "complète, liste d'attente possible"
        quand = quand[0].upper() + quand[1:]
        return f"{quand}\u00a0: {obj.theme.titre} ({places})"


def sessions_du_lieu(lieu, now):
    """Planned sessions of the place that a person can still join, within the appointment
    horizon."""
    return (
        Session.objects.a_venir(now)
        .filter(lieu=lieu, debut__lte=now + RDV_HORIZON)
        .select_related("theme")
        .order_by("debut", "pk")
    )


class AcceptanceForm(forms.Form):
    """Accept: an appointment (date, time, where, what to bring) or a session of the place
    (when it is full, the waiting list)."""

    mode = forms.ChoiceField(
        label="Ce que vous proposez",
        choices=[(RDV, "Un rendez-vous"), (SESSION, "Une session d'atelier de votre lieu")],
        widget=forms.RadioSelect,
        initial=RDV,
        error_messages={
            "required": "Choisissez un rendez-vous ou une session.",
            "invalid_choice": "Choisissez un rendez-vous ou une session.",
        },
    )
    date = date_field("Date du rendez-vous", required=False)
    heure = _heure_field(required=False)
    rdv_lieu = _rdv_lieu_field()
    a_apporter = _a_apporter_field()
    session = SessionChoiceField(
        label="Session",
        queryset=Session.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Choisissez une session à venir de votre lieu."},
    )
    liste_attente = forms.BooleanField(
        label="Si la session est complète, inscrire la personne sur la liste d'attente",
        required=False,
    )

    def __init__(self, *args, destinataire, now=None, **kwargs):
        self.destinataire = destinataire
        self.orientation = destinataire.orientation
        self.now = now or timezone.now()
        self.session_complete = False
        self.sans_session = False
        inscription = self._inscription()
        super().__init__(*args, initial=self._initial(inscription), **kwargs)
        session = self.fields["session"]
        session.queryset = sessions_du_lieu(destinataire.lieu, self.now)
        session.inscription = inscription
        self.fields["rdv_lieu"].initial = avis.adresse_postale(destinataire.lieu)
        if not session.queryset.exists():
            # No upcoming session at the place: an appointment is the only answer.
            self.sans_session = True
            self.fields["mode"].widget = forms.HiddenInput()
            self.fields["mode"].choices = [(RDV, "Un rendez-vous")]
            self.initial["mode"] = RDV

    def _inscription(self):
        """The person's active registration made with the request (a session orientation)."""
        inscription = self.orientation.inscription
        if inscription is None or inscription.statut not in (
            StatutInscription.INSCRIT,
            StatutInscription.EN_ATTENTE,
        ):
            return None
        return inscription

    def _initial(self, inscription):
        o = self.orientation
        if o.statut == StatutOrientation.ACCEPTEE and o.lieu_id == self.destinataire.lieu_id:
            if o.session_id:
                return {"mode": SESSION, "session": o.session_id}
            return {
                "mode": RDV,
                "rdv_lieu": o.rdv_lieu,
                "a_apporter": o.a_apporter,
                **_initial_rdv(o.rdv_le),
            }
        if o.type == TypeOrientation.SESSION and o.session_id:
            return {"mode": SESSION, "session": o.session_id}
        if o.type == TypeOrientation.THEME:
            return {"mode": SESSION}
        return {"mode": RDV}

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == RDV:
            if data.get("date") is None and "date" not in self.errors:
                self.add_error("date", "Indiquez le jour du rendez-vous.")
            if data.get("heure") is None and "heure" not in self.errors:
                self.add_error("heure", "Choisissez l'heure du rendez-vous.")
            data["rdv_le"] = _combine(self, data, self.now)
        elif mode == SESSION and data.get("session") is None and "session" not in self.errors:
            self.add_error("session", "Choisissez une session.")
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        if data["mode"] == SESSION:
            session = data["session"]
            inscription = self._inscription()
            # Already on this session's waiting list (taken with the request): accepting keeps
            # that place, without asking again to tick "liste d'attente".
            en_attente = (
                inscription is not None
                and inscription.session_id == session.pk
                and inscription.statut == StatutInscription.EN_ATTENTE
            )
            return {"session": session, "liste_attente": data["liste_attente"] or en_attente}
        return {
            "rdv_le": data["rdv_le"],
            "rdv_lieu": data["rdv_lieu"],
            "a_apporter": data["a_apporter"],
        }


class RefusalForm(forms.Form):
    """Refuse: at least one reason (DORA's), a message to the prescripteur (required for
    "Autre raison")."""

    motifs = forms.MultipleChoiceField(
        label="Pourquoi ce n'est pas possible",
        choices=MotifRefus.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Cochez au moins une raison.",
            "invalid_choice": "Cette raison n'existe pas dans la liste.",
        },
    )
    message = forms.CharField(
        label="Message au prescripteur",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"Au plus {MESSAGE_MAX} caractères, obligatoire pour « Autre raison ». "
            "N'écrivez rien sur la santé ou la situation sociale de la personne."
        ),
        error_messages={"max_length": f"Écrivez au plus {MESSAGE_MAX} caractères."},
    )

    def __init__(self, *args, destinataire, now=None, **kwargs):
        self.destinataire = destinataire
        self.now = now or timezone.now()
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        data["message"] = (data.get("message") or "").strip()
        if MotifRefus.AUTRE in (data.get("motifs") or ()) and not data["message"]:
            if "message" not in self.errors:
                self.add_error("message", "Pour « Autre raison », expliquez en un message.")
        return data

    def service_kwargs(self):
        return {"motifs": self.cleaned_data["motifs"], "message": self.cleaned_data["message"]}


class MoveForm(forms.Form):
    """Move an accepted appointment: new date and time, where, what to bring."""

    date = date_field("Nouvelle date")
    heure = _heure_field("Nouvelle heure")
    rdv_lieu = _rdv_lieu_field()
    a_apporter = _a_apporter_field()

    def __init__(self, *args, destinataire, now=None, **kwargs):
        self.destinataire = destinataire
        self.orientation = destinataire.orientation
        self.now = now or timezone.now()
        o = self.orientation
        initial = {"rdv_lieu": o.rdv_lieu, "a_apporter": o.a_apporter, **_initial_rdv(o.rdv_le)}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["date"].error_messages = {
            **self.fields["date"].error_messages,
            "required": "Indiquez le nouveau jour du rendez-vous.",
        }
        self.fields["rdv_lieu"].help_text = "Laissez tel quel si le lieu ne change pas."

    def clean(self):
        data = super().clean()
        data["rdv_le"] = _combine(self, data, self.now)
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "rdv_le": data["rdv_le"],
            "rdv_lieu": data["rdv_lieu"],
            "a_apporter": data["a_apporter"],
        }


class ActiviteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"Compte rendu du {obj.date:%d/%m/%Y} ({obj.duree_minutes} min)"


class FinishForm(forms.Form):
    """The service was given (espace pro): optionally with the structure's activity record of
    this person."""

    activite = ActiviteChoiceField(
        label="Compte rendu d'activité",
        queryset=Activite.objects.none(),
        required=False,
        empty_label="Aucun",
        help_text="Facultatif : l'accompagnement de cette personne enregistré par votre structure.",
        error_messages={"invalid_choice": "Choisissez un compte rendu de la liste."},
    )

    def __init__(self, *args, destinataire, now=None, **kwargs):
        self.destinataire = destinataire
        self.now = now or timezone.now()
        super().__init__(*args, **kwargs)
        orientation = destinataire.orientation
        self.fields["activite"].queryset = (
            Activite.objects.filter(
                structure_id=destinataire.lieu.structure_id,
                participants__beneficiaire_id=orientation.beneficiaire_id,
                supprime_le__isnull=True,
                date__gte=timezone.localtime(orientation.cree_le).date(),
            )
            .order_by("-date", "-pk")
            .distinct()
        )

    def service_kwargs(self):
        return {"activite": self.cleaned_data["activite"]}
