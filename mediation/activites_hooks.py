"""Registrations of the activity records (menu entry, file action, exports, émargement
follow-up)."""
