"""The dashboard's sections, in their order. Each is a module of mediation.pilotage with a
function `section(filtres, portee)` returning a sections.Section (or None when it has nothing
to say for that scope). A module not written yet is skipped: the page works while they land."""

import importlib

MODULES = (
    "mediation.pilotage.section_pass",
    "mediation.pilotage.section_ateliers",
    "mediation.pilotage.section_accompagnements",
    "mediation.pilotage.section_orientations",
    "mediation.pilotage.section_sms",
    "mediation.pilotage.section_publics",
)


def section_functions():
    """The `section` functions of the modules present, in order."""
    functions = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:  # the module exists but something it imports does not
                raise
            continue
        functions.append(module.section)
    return functions


def sections(filtres, portee):
    """Every present section computed for these filters and this scope."""
    computed = (function(filtres, portee) for function in section_functions())
    return [s for s in computed if s is not None]


def find_tableau(filtres, portee, cle):
    """(section, tableau) whose table key is `cle`, or (None, None); sections are computed one
    by one until it is found."""
    for function in section_functions():
        section = function(filtres, portee)
        if section is None:
            continue
        for tableau in section.tableaux:
            if tableau.cle == cle:
                return section, tableau
    return None, None
