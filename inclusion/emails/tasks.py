from django_tasks import task

from inclusion.emails.delivery import deliver
from inclusion.models import OutgoingEmail, StatutEmail


@task()
def deliver_email(email_id):
    """Send one outbox row; after a failure, come back when its retry is due (the database
    backend defers; a backend that cannot leaves the row to manage.py send_due_emails)."""
    if deliver(email_id) != StatutEmail.A_ENVOYER:
        return
    retry_at = OutgoingEmail.objects.filter(pk=email_id).values_list("pas_avant", flat=True).first()
    if retry_at is not None and deliver_email.get_backend().supports_defer:
        deliver_email.using(run_after=retry_at).enqueue(email_id)
