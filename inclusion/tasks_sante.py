"""The worker's heartbeat (issue 19): a task the periodic pass enqueues and the worker runs.

Its stamp, TravailPeriodique("worker").derniere_reussite, proves that some worker really takes
tasks off the queue and runs them (a process that is up but stuck does not stamp); the
readiness check (/sante/pret/) reports its age, and a task still RUNNING from before it is one
a dead worker may have left (inclusion/services/taches_orphelines.py)."""

from django.utils import timezone
from django_tasks import task

from inclusion.models import TravailPeriodique
from inclusion.services.travaux import WORKER


@task()
def heartbeat():
    now = timezone.now()
    stamp = {"dernier_debut": now, "derniere_fin": now, "derniere_reussite": now}
    if not TravailPeriodique.objects.filter(nom=WORKER).update(**stamp):
        TravailPeriodique.objects.get_or_create(nom=WORKER, defaults=stamp)
