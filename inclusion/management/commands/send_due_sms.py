from inclusion.management.sweep import SweepCommand
from inclusion.sms.delivery import send_due


class Command(SweepCommand):
    help = (
        "Envoie les SMS arrivés à échéance (fenêtre d'envoi, nouvelles tentatives). "
        "Avec --boucle, recommence chaque minute."
    )
    send_due = staticmethod(send_due)
