"""Rate limits of the public journeys: the socle's counters (inclusion/limites.py) under the
"cms:" prefix; the client's address they are keyed on comes from inclusion.client_ip.
"""

from inclusion import limites

# The client's address lives in the socle (the sign-in lockout reads it too); re-exported here
# for the journeys that call limites.client_ip.
from inclusion.client_ip import client_ip as client_ip

HEURE = limites.HEURE


class Limite(limites.Limite):
    espace = "cms"


# Codes asked from one address, and sent to one number (send_code_sms adds its daily cap).
CODES_PAR_IP = Limite("codes_ip", 10, HEURE)
CODES_PAR_TELEPHONE = Limite("codes_tel", 3, HEURE)
# Wrong codes typed from one address, whatever the pending registration.
CODES_FAUX_PAR_IP = Limite("codes_faux_ip", 20, HEURE)
