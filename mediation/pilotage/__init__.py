"""The territory's dashboards (/pro/pilotage/): figures computed by aggregates in the database,
section by section, within the viewer's scope and the filters of the URL."""
