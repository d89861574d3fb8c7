"""The activity records export: La Coop's columns and order, XLSX and CSV, one row per
participant (registered as a worker-built export)."""
