"""Registrations of the diagnostics (file action, kiosk and public entries)."""
