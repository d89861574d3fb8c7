"""Views, forms and policy of the "Ateliers" menu of the Wagtail admin (coordinators only).

Assembled in `ateliers/wagtail_hooks.py`. Saves go through the socle's journalised views
(`inclusion/admin_views.py`): one journal line per save, ids and field names only.
"""

import re

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.html import format_html
from modelcluster.forms import BaseChildFormSet
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel
from wagtail.permission_policies.base import ModelPermissionPolicy

from ateliers import pictogrammes
from ateliers.models import EtapeParcours
from inclusion import perms
from inclusion.admin_views import JournalCreateView, JournalEditView

MOTS_PAR_PHRASE_FALC = 12
MOTS_PAR_TITRE_FALC = 8


class AteliersPermissionPolicy(ModelPermissionPolicy):
    """The business rule alone decides (`inclusion.perms.is_coordinateur`), not Django model
    permissions; `actions` lists what the menu allows at all."""

    actions = ("add", "change", "view")

    def user_has_permission(self, user, action):
        return action in self.actions and perms.is_coordinateur(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(actions).none()


class ParcoursPermissionPolicy(AteliersPermissionPolicy):
    # A parcours holds no history: coordinators may delete one (its étapes go with it).
    actions = ("add", "change", "delete", "view")


class ReadOnlyAteliersPolicy(AteliersPermissionPolicy):
    actions = ("view",)


# --- FALC signals ----------------------------------------------------------------------------


def _mots(phrase):
    return [mot for mot in phrase.split() if re.search(r"\w", mot)]


def phrases_trop_longues(texte, maximum=MOTS_PAR_PHRASE_FALC):
    """Sentences of `texte` with more than `maximum` words (a FALC signal, not a rule)."""
    phrases = re.split(r"(?<=[.!?…])\s+|\n+", texte or "")
    return [p.strip() for p in phrases if len(_mots(p)) > maximum]


def alertes_falc(*, titre_falc="", description_falc=""):
    """French, non-blocking remarks on the FALC fields."""
    alertes = []
    nb = len(_mots(titre_falc))
    if nb > MOTS_PAR_TITRE_FALC:
        alertes.append(
            f"Le titre facile à lire a {nb} mots : essayez d'en garder "
            f"{MOTS_PAR_TITRE_FALC} au plus."
        )
    for phrase in phrases_trop_longues(description_falc):
        debut = " ".join(_mots(phrase)[:6])
        alertes.append(
            f"La phrase « {debut}… » a {len(_mots(phrase))} mots : coupez-la en deux "
            f"phrases plus courtes ({MOTS_PAR_PHRASE_FALC} mots au plus)."
        )
    return alertes


AIDE_FALC = (
    "Facile à lire et à comprendre : des phrases courtes (12 mots au plus), une idée par "
    "phrase, au présent, avec « vous ». Des mots de tous les jours, pas de sigle, les "
    "nombres en chiffres. Par exemple : « Vous apprenez à envoyer un e-mail. »"
)


class FalcWarningMixin:
    """After a successful save, warn (without blocking) about long FALC sentences."""

    def save_instance(self):
        instance = super().save_instance()
        for alerte in alertes_falc(
            titre_falc=instance.titre_falc, description_falc=instance.description_falc
        ):
            messages.warning(self.request, alerte)
        return instance


# --- Thèmes ----------------------------------------------------------------------------------


def _choix_pictogrammes(actuel=None):
    choix = [(nom, pictogrammes.avec_libelle(nom)) for nom, _ in pictogrammes.PICTOGRAMMES]
    if actuel and actuel not in pictogrammes.LIBELLES:
        # A legacy name stays selectable until the coordinator picks one from the list.
        choix.append((actuel, format_html("{} (ancien pictogramme)", actuel)))
    return choix


class ThemeForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pictogramme" in self.fields:
            self.fields["pictogramme"] = forms.ChoiceField(
                label="Pictogramme",
                choices=_choix_pictogrammes(self.instance.pictogramme),
                widget=forms.RadioSelect,
                help_text="L'image montrée à côté du titre, sur le site et au kiosque.",
            )
        for name in ("titre_falc", "description_falc"):
            if name in self.fields:
                self.fields[name].help_text = AIDE_FALC
        if "titre_falc" in self.fields:
            self.fields["titre_falc"].help_text = (
                "8 mots au plus, des mots de tous les jours. Par exemple : « Utiliser son "
                "téléphone »."
            )
        if "thematiques" in self.fields:
            self.fields["thematiques"].widget = forms.CheckboxSelectMultiple(
                choices=self.fields["thematiques"].choices
            )


class ThemeCreateView(FalcWarningMixin, JournalCreateView):
    pass


class ThemeEditView(FalcWarningMixin, JournalEditView):
    pass


def colonne_pictogramme(theme):
    return pictogrammes.avec_libelle(theme.pictogramme)


# --- Parcours --------------------------------------------------------------------------------


class EtapeFormSet(BaseChildFormSet):
    """Gives the étapes temporary numbers in the order shown; `ParcoursForm.save` renumbers
    them 1, 2, 3… once saved (see there for the unique constraint)."""

    def save(self, commit=True):
        self.etapes_ordonnees = [
            f.instance for f in self.ordered_forms if not self._should_delete_form(f)
        ]
        for i, etape in enumerate(self.etapes_ordonnees, start=1):
            etape.ordre = 1000 + i
        return super().save(commit)


class EtapesPanel(InlinePanel):
    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(can_order=True, formset=EtapeFormSet)
        return options


class ParcoursForm(WagtailAdminModelForm):
    def save(self, commit=True):
        """Moves the stored étapes out of the way, saves, then numbers them 1, 2, 3…: rows
        change places without ever breaking the (parcours, ordre) unique constraint."""
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            if self.instance.pk:
                EtapeParcours.objects.filter(parcours=self.instance).update(ordre=F("ordre") + 2000)
            instance = super().save(commit=True)
            etapes = self.formsets["etapes"].etapes_ordonnees
            EtapeParcours.objects.filter(parcours=instance).update(ordre=F("ordre") + 5000)
            for i, etape in enumerate(etapes, start=1):
                EtapeParcours.objects.filter(pk=etape.pk).update(ordre=i)
                etape.ordre = i
        return instance

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "titre_falc" in self.fields:
            self.fields[
                "titre_falc"
            ].help_text = "8 mots au plus. Par exemple : « Débuter avec le téléphone »."
        if "description_falc" in self.fields:
            self.fields["description_falc"].help_text = AIDE_FALC


class ParcoursJournalMixin:
    def journal_details(self, instance):
        return {"etapes": list(instance.etapes.values_list("theme_id", flat=True))}


class ParcoursCreateView(FalcWarningMixin, ParcoursJournalMixin, JournalCreateView):
    pass


class ParcoursEditView(FalcWarningMixin, ParcoursJournalMixin, JournalEditView):
    pass


def colonne_etapes(parcours):
    return len(parcours.etapes.all())


# --- Sessions (read-only) ----------------------------------------------------------------------


def colonne_places(session):
    return f"{session.nb_inscrits} / {session.capacite}"
