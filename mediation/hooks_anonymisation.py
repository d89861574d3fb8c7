"""Issue 18: what the médiation layer holds about people being anonymised (registered into
inclusion.registry). Each anonymizer runs inside the anonymisation's batch transaction, before
the files are blanked, in a constant number of UPDATEs; rows, links, statuses, dates,
thematiques, scores and counts stay, so the dashboards do not move. Only text that may
identify someone goes: what was typed freely about the person, and the e-mails that carried it.
"""

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from inclusion import registry
from inclusion.models import OutgoingEmail
from mediation.models import Activite, Destinataire, Diagnostic, Orientation, Participant
from mediation.vocabulaire import OutilDiagnostic

# An external diagnostic keeps a result (a check constraint): typed freely, it is replaced.
RESULTAT_ANONYMISE = "anonymisé"


def _about(queryset):
    """Subquery of the outbox's `about` labels ("mediation.orientation#12") of `queryset`."""
    label = f"{queryset.model._meta.label_lower}#"
    return queryset.annotate(
        _about=Concat(Value(label), Cast("pk", CharField()), output_field=CharField())
    ).values("_about")


def anonymise_orientations(ids, now):
    """An orientation's free text (need in words, appointment place, what to bring, the
    place's message, why it was cancelled), each receiving place's message and the address
    the link went to, and the e-mails about it (text and subject: they name the person)."""
    orientations = Orientation.objects.filter(beneficiaire_id__in=ids)
    texte = ~Q(besoin="") | ~Q(rdv_lieu="") | ~Q(a_apporter="") | ~Q(message="")
    n = orientations.filter(texte | ~Q(motif_annulation="")).update(
        besoin="", rdv_lieu="", a_apporter="", message="", motif_annulation=""
    )
    d = (
        Destinataire.objects.filter(orientation__beneficiaire__in=ids)
        .filter(~Q(lien_envoye_a="") | ~Q(message=""))
        .update(lien_envoye_a="", message="")
    )
    e = (
        OutgoingEmail.objects.filter(about__in=_about(orientations))
        .filter(~Q(texte="") | ~Q(html="") | ~Q(sujet=""))
        .update(sujet="", texte="", html="", a_masquer=[], erreur="")
    )
    return {"orientations anonymisées": n, "lieux destinataires": d, "e-mails d'orientation": e}


def anonymise_activites(ids, now):
    """Records these people took part in lose their notes and the name of the
    administrative procedure (typed freely); type, date, duration, place, thematiques and
    participants stay. Touched records change `modifie_le`, so La Coop's sync takes the
    blanked version."""
    leurs = Exists(Participant.objects.filter(activite=OuterRef("pk"), beneficiaire_id__in=ids))
    n = (
        Activite.objects.filter(leurs)
        .filter(~Q(notes="") | ~Q(nom_demarche=""))
        .update(notes="", nom_demarche="", modifie_le=now)
    )
    return {"activités anonymisées": n}


def anonymise_diagnostics(ids, now):
    """Scores and what stands in the way stay (counts); a result typed from another tool is
    free text and is replaced."""
    n = (
        Diagnostic.objects.filter(beneficiaire_id__in=ids)
        .exclude(outil=OutilDiagnostic.INCLUSION)
        .exclude(resultat_externe=RESULTAT_ANONYMISE)
        .update(resultat_externe=RESULTAT_ANONYMISE)
    )
    return {"diagnostics anonymisés": n}


# Workshop registrations (ateliers.Inscription) hold no free text: status, channel, dates and
# who registered stay as they are, linked to the anonymised file.

registry.register_anonymizer("mediation.orientations", anonymise_orientations)
registry.register_anonymizer("mediation.activites", anonymise_activites)
registry.register_anonymizer("mediation.diagnostics", anonymise_diagnostics)
