"""The retention purges of the inclusion layer, and the run of every registered purge (issue 18).

Each purge is `purge(now, wet_run) -> {libellé: count}`: without `wet_run` it only counts what
it would do, and the count is what a wet run then does; run twice, the second finds nothing.
Rows go or are blanked in batches of primary keys, one short transaction each, so a purge of a
large backlog never holds a lock long (a redemption or an SMS callback waits at most a batch).

The delays are read from settings.INCLUSION_CONSERVATION through inclusion.conservation, where
inclusion/hooks_conservation.py and the upper layers' hooks declare them.
"""

import datetime
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from inclusion import conservation
from inclusion.models import (
    Invitation,
    Journal,
    OutgoingEmail,
    SmsMessage,
    SmsRecu,
    StatutEmail,
)
from inclusion.services.journal import write_journal

LOT = 1000
ACTION_JOURNAL = "conservation.purge"
# The periodic sweep runs the purges at most this often; the last run's journal line is the
# marker, shared by every sweep process (send_due_sms and send_due_emails both sweep).
INTERVALLE_BALAYAGE = datetime.timedelta(hours=1)


def par_lots(queryset, action, *, wet_run, lot=LOT):
    """Count `queryset` (dry run) or apply `action(sub_queryset) -> n` to it batch by batch of
    primary keys, each batch in its own transaction; returns the total. The batches walk the
    keys upwards, so the loop ends even if `action` leaves a row matching."""
    if not wet_run:
        return queryset.count()
    total, dernier = 0, None
    while True:
        suite = queryset if dernier is None else queryset.filter(pk__gt=dernier)
        pks = list(suite.order_by("pk").values_list("pk", flat=True)[:lot])
        if not pks:
            return total
        with transaction.atomic():
            total += action(queryset.filter(pk__in=pks))
        dernier = pks[-1]


def delete_rows(queryset):
    """Delete and return how many rows of the queryset's own model went."""
    return queryset.delete()[1].get(queryset.model._meta.label, 0)


def _avant(now, cle):
    return now - conservation.delai(cle).duree


# --- The purges -----------------------------------------------------------------------------


def purge_sms_textes(now, wet_run):
    """The text of SMS sent and received, past `sms_texte`: blanked (number, date, status
    stay until the row goes)."""
    limite = _avant(now, "sms_texte")
    envoyes = SmsMessage.objects.filter(cree_le__lt=limite).exclude(corps="")
    recus = SmsRecu.objects.filter(recu_le__lt=limite).exclude(corps="")
    return {
        "textes effacés": par_lots(
            envoyes, lambda qs: qs.update(corps="", a_masquer=[]), wet_run=wet_run
        ),
        "textes reçus effacés": par_lots(recus, lambda qs: qs.update(corps=""), wet_run=wet_run),
    }


def purge_sms_lignes(now, wet_run):
    """The SMS rows themselves, past `sms_lignes`: deleted."""
    limite = _avant(now, "sms_lignes")
    return {
        "SMS supprimés": par_lots(
            SmsMessage.objects.filter(cree_le__lt=limite), delete_rows, wet_run=wet_run
        ),
        "SMS reçus supprimés": par_lots(
            SmsRecu.objects.filter(recu_le__lt=limite), delete_rows, wet_run=wet_run
        ),
    }


def purge_courriels(now, wet_run):
    """E-mails sent or given up, past `courriels`: deleted (one still waiting to be sent is
    left to the outbox, which gives it up itself)."""
    anciens = OutgoingEmail.objects.filter(cree_le__lt=_avant(now, "courriels")).exclude(
        statut=StatutEmail.A_ENVOYER
    )
    return {"e-mails supprimés": par_lots(anciens, delete_rows, wet_run=wet_run)}


def purge_invitations(now, wet_run):
    """Staff invitations, past `invitations` after they ended (accepted, withdrawn or
    expired): deleted with their proposed roles. The account, once created, holds what it
    needs; the journal keeps who invited whom by ids."""
    limite = _avant(now, "invitations")
    finies = Invitation.objects.filter(
        Q(acceptee_le__lt=limite)
        | Q(annulee_le__lt=limite)
        | Q(acceptee_le__isnull=True, annulee_le__isnull=True, expire_le__lt=limite)
    )
    return {"invitations supprimées": par_lots(finies, delete_rows, wet_run=wet_run)}


def purge_exports(now, wet_run):
    """Exports past their 24 hours: the files and their rows (the exports' own purge)."""
    from inclusion.services.exports_fichiers import purge_expired

    counts = purge_expired(now=now, wet_run=wet_run)
    return {"exports effacés": counts["exports"], "fichiers effacés": counts["fichiers"]}


def purge_sessions(now, wet_run):
    """Expired sessions (Django's `clearsessions`, in batches): a signed-in professional's, a
    public registration in progress, a kiosk's shift and journey all end with their session."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        # Cache or cookie sessions expire by themselves; files need clear_expired.
        if wet_run:
            store.clear_expired()
        return {}
    expirees = store.get_model_class().objects.filter(expire_date__lt=now)
    return {"sessions supprimées": par_lots(expirees, delete_rows, wet_run=wet_run)}


def purge_journal(now, wet_run):
    """Journal lines past `journal`: the only way lines leave (Journal.objects.purge_before)."""
    limite = _avant(now, "journal")
    if not wet_run:
        return {"lignes du journal supprimées": Journal.objects.filter(quand__lt=limite).count()}
    return {"lignes du journal supprimées": Journal.objects.purge_before(limite)}


# --- Running them ---------------------------------------------------------------------------


class CleInconnue(KeyError):
    pass


def run_purges(now, *, wet_run, cles=None):
    """Run the registered purges (all, or those of `cles`, in the declared order); returns
    {cle: {libellé: n}}. A wet run leaves one journal line with the counts only."""
    toutes = conservation.purges()
    inconnues = [cle for cle in cles or () if cle not in toutes]
    if inconnues:
        raise CleInconnue(inconnues)
    choisies = {cle: purge for cle, purge in toutes.items() if not cles or cle in cles}
    resultats = {cle: purge(now, wet_run) for cle, purge in choisies.items()}
    if wet_run:
        write_journal(acteur=None, action=ACTION_JOURNAL, details=resultats)
    return resultats


def run_purges_if_due(now):
    """The sweep's call: every purge, wet, unless a run was journalised within the interval
    (by this sweep, another one or the command). Returns the run's non-zero counts, flat, or
    None when it was not due."""
    recent = Journal.objects.filter(action=ACTION_JOURNAL, quand__gt=now - INTERVALLE_BALAYAGE)
    if recent.exists():
        return None
    resultats = run_purges(now, wet_run=True)
    return {libelle: n for counts in resultats.values() for libelle, n in counts.items() if n}
