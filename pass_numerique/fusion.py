"""What this layer moves when two files of one person are merged
(inclusion.registry.register_file_merger)."""

from inclusion.registry import register_file_merger
from pass_numerique.models import Carnet


def merge_carnets(kept, removed, acteur):
    """The removed file's carnets now belong to the kept one (chèques follow their carnet)."""
    return {"carnets": Carnet.objects.filter(beneficiaire=removed).update(beneficiaire=kept)}


merge_carnets.relations = frozenset({("pass_numerique.Carnet", "beneficiaire")})

register_file_merger("pass_numerique", merge_carnets)
