"""Empty but for names the public site still imports from here."""

# TEMP: cms imports these until integration (then: Session.objects...for_display(),
# .with_attente(); the functions live in ateliers.models).
from ateliers.models import SessionQuerySet, attente

for_display = SessionQuerySet.for_display

__all__ = ["attente", "for_display"]
