from inclusion.emails.delivery import send_due
from inclusion.management.sweep import SweepCommand


class Command(SweepCommand):
    help = (
        "Envoie les e-mails arrivés à échéance (nouvelles tentatives, envois interrompus). "
        "Avec --boucle, recommence chaque minute."
    )
    send_due = staticmethod(send_due)
