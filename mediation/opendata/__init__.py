"""The territory's open data: one module per dataset, and the catalogue that lists them
(the /opendata/ page and the public API read it). No personal data leaves here: places,
structures, services and sessions only, with counts of free seats."""
