"""The SMS gateway's public interface: one function that every app calls.

    from inclusion.sms import send_sms
    result = send_sms(beneficiaire=b, body="…", kind="rappel_atelier", about=session)

Rules that apply whatever sends (consent, mobile only) live here, not in callers. The SMS
issue adds the outbox, the send window, retries and Twilio behind this same call.
"""

from inclusion.sms.service import OutgoingSms, SmsResult, get_backend, send_code_sms, send_sms

__all__ = ["OutgoingSms", "SmsResult", "get_backend", "send_code_sms", "send_sms"]
