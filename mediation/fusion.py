"""What this layer moves when two files of one person are merged
(inclusion.registry.register_file_merger)."""

from django.utils import timezone

from inclusion.registry import register_file_merger
from mediation.models import Activite, Diagnostic, Orientation, Participant


def merge_mediation(kept, removed, acteur):
    """Activity records and diagnostics move to the kept file. A record where both files
    appear keeps one participant for the person (the kept file's): it was one person. The
    records concerned count as modified (La Coop's sync reads the modification date)."""
    touched = list(
        Participant.objects.filter(beneficiaire=removed).values_list("activite_id", flat=True)
    )
    both = Participant.objects.filter(
        beneficiaire=removed,
        activite__in=Participant.objects.filter(beneficiaire=kept).values("activite"),
    )
    doubles, _ = both.delete()
    participants = Participant.objects.filter(beneficiaire=removed).update(beneficiaire=kept)
    diagnostics = Diagnostic.objects.filter(beneficiaire=removed).update(beneficiaire=kept)
    Activite.objects.filter(pk__in=touched).update(modifie_le=timezone.now())
    return {
        "participations": participants,
        "participations_en_double": doubles,
        "diagnostics": diagnostics,
    }


merge_mediation.relations = frozenset(
    {("mediation.Participant", "beneficiaire"), ("mediation.Diagnostic", "beneficiaire")}
)

register_file_merger("mediation", merge_mediation)


def merge_orientations(kept, removed, acteur):
    """Orientations move to the kept file, whatever their status: the sending structure keeps
    its own (Orientation.structure is who sent it, not the file's), the receiving places
    keep seeing them, and the kept file's timeline shows them."""
    return {
        "orientations": Orientation.objects.filter(beneficiaire=removed).update(beneficiaire=kept)
    }


merge_orientations.relations = frozenset({("mediation.Orientation", "beneficiaire")})

register_file_merger("mediation_orientations", merge_orientations)
