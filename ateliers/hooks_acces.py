"""Issue 18: registrations of this layer into inclusion.registry / inclusion.conservation
(written by the helper that owns this file)."""
