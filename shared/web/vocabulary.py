"""Data values the UI translates at render time, marked here so pybabel extracts them.

Templates translate stored values dynamically — ``_(h.status)``, ``_(m.relation)``,
``_(m.sex)``, ``_(c)`` for causes of poverty, ``_(s.channel)``, ``_(e.program)``,
``_(principal.role)``, ``_(service_title)`` — which ``pybabel extract`` cannot see.
Every such value is listed below inside ``N_(...)``, a no-op marker that babel.cfg
registers as an extraction keyword (``pybabel extract -k N_``).

When a new status, cause, relation, channel, program, role or service is added to
the domain, add it here too and re-run ``scripts/translations.sh extract``.
Nothing needs to import this module at run time.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it (translation happens in the template)."""
    return message


# shared/events/types/registry.py HOUSEHOLD_STATUSES
STATUSES = (
    N_("identified"),
    N_("assisted"),
    N_("exit_proposed"),
    N_("exited"),
    N_("returned"),
    N_("removed"),
)

# services/registry/domain/households.py CAUSES
CAUSES = (
    N_("illness"),
    N_("disability"),
    N_("schooling"),
    N_("disaster"),
    N_("lack_of_land"),
    N_("lack_of_water"),
    N_("lack_of_skills"),
    N_("lack_of_labour"),
    N_("lack_of_funds"),
    N_("poor_transport"),
    N_("lack_of_motivation"),
)

# services/registry/domain/households.py RELATIONS (relation to the head of household)
RELATIONS = (
    N_("head"),
    N_("spouse"),
    N_("child"),
    N_("parent"),
    N_("grandchild"),
    N_("sibling"),
    N_("other"),
)

# services/registry/domain/households.py SEXES
SEXES = (
    N_("female"),
    N_("male"),
)

# shared/events/types/ecommerce.py CHANNELS
CHANNELS = (
    N_("own_store"),
    N_("enterprise_purchase"),
    N_("partner_platform"),
)

# Service names as used for e.program (shared/events/topics.py PROGRAMS, plus the registry)
PROGRAMS = (
    N_("registry"),
    N_("ecommerce"),
    N_("tourism"),
    N_("photovoltaic"),
    N_("microcredit"),
    N_("relocation"),
)

# shared/auth/roles.py ROLES
ROLES = (
    N_("central"),
    N_("county_operator"),
    N_("program_operator"),
    N_("auditor"),
)

# The ``title`` each service passes to create_service_app (rendered as _(service_title))
SERVICE_TITLES = (
    N_("Registry"),
    N_("E-commerce"),
    N_("Tourism"),
    N_("Photovoltaic"),
    N_("Micro-credit"),
    N_("Relocation"),
    N_("Webhooks"),
)

VOCABULARY = STATUSES + CAUSES + RELATIONS + SEXES + CHANNELS + PROGRAMS + ROLES + SERVICE_TITLES
