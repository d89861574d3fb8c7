from django_tasks import task

from inclusion.sms.delivery import deliver


@task()
def deliver_sms(message_id):
    deliver(message_id)
