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

from shared.messages import N_


# shared/events/types/registry.py HOUSEHOLD_STATUSES
STATUSES = (
    N_("identified"),
    N_("assisted"),
    N_("exit_proposed"),
    N_("township_checked"),
    N_("public_notice"),
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


# services/registry/domain/households.py HEALTH, EDUCATION, LABOUR, SCHOOLING
MEMBER_VALUES = (
    N_("healthy"), N_("chronic_illness"), N_("serious_illness"), N_("disabled"),
    N_("none"), N_("primary"), N_("junior_secondary"), N_("senior_secondary"), N_("vocational"), N_("tertiary"),
    N_("full"), N_("partial"),
    N_("not_applicable"), N_("preschool"), N_("in_school"), N_("dropped_out"), N_("graduated"),
)

# services/registry/domain/exit_rules.py TRANSITIONS (workflow steps)
STEPS = (
    N_("propose_exit"), N_("start_assistance"), N_("township_check"), N_("county_approve"), N_("reject_exit"),
    N_("object"), N_("finish_notice"), N_("return_to_poverty"),
)

# services/registry/domain/warning_life.py: a return-to-poverty warning's steps and states
WARNING_LIFE = (
    N_("acknowledge"), N_("assign"), N_("link_measures"), N_("close"),
    N_("acknowledged"), N_("closed"),
)

# services/registry/domain/exit_rules.py GUARANTEES (两不愁三保障)
GUARANTEES = (
    N_("food"), N_("clothing"), N_("compulsory_education"), N_("basic_medical"), N_("safe_housing"),
)

# services/registry/domain/change_requests.py KINDS, request statuses and decisions
CHANGE_REQUESTS = (
    N_("edit_fields"), N_("edit_member"), N_("add_member"), N_("remove_member"), N_("transfer_member"),
    N_("split"), N_("change_head"), N_("move_area"), N_("remove_household"),
    N_("proposed"), N_("approved"), N_("rejected"), N_("applied"), N_("approve"), N_("reject"),
)

# services/registry/domain/areas.py LEVELS; roles added later
LEVELS = (N_("country"), N_("province"), N_("prefecture"), N_("county"), N_("township"), N_("village"), N_("village_cadre"),
          N_("enrolled"))

# services/registry/domain/villages.py GAPS; the changes of shared/events/types/registry.py
# VillageFileV1 and TaskForceV1
VILLAGES = (
    N_("road"), N_("drinking_water"), N_("power"), N_("broadband"), N_("clinic"), N_("school"),
    N_("designated"), N_("status"), N_("collective_income"), N_("formed"), N_("stationed"), N_("membership"),
)

# Tourism (services/tourism): shared/events/types/tourism.py HOMESTAY_KINDS, BOOKING_CHANNELS,
# INSPECTION_RESULTS; booking statuses (adapters/bookings.py), job statuses (adapters/jobs.py);
# the risk signal of JOB_ENDED
TOURISM = (
    N_("homestay"), N_("farm_stay"),
    N_("walk_in"), N_("online_platform"), N_("travel_agency"),
    N_("passed"), N_("failed"),
    N_("booked"), N_("cancelled"),
    N_("active"), N_("ended"),
    N_("job_ended"),
)

# Photovoltaic (services/photovoltaic): shared/events/types/photovoltaic.py KINDS, SOURCES, MODES,
# FAULT_CAUSES, RISK_STATION_DOWN; installation statuses (service.py), fault
# statuses (domain/faults.py)
PHOTOVOLTAIC = (
    N_("rooftop"), N_("station"),
    N_("operating"), N_("down"),
    N_("open"), N_("restored"),
    N_("operator"), N_("power_company"),
    N_("dividends"), N_("wages"),
    N_("inverter"), N_("panel_damage"), N_("grid_outage"), N_("line_fault"), N_("theft"), N_("disaster"), N_("other"),
    N_("pv_station_down"),
)

# E-commerce (services/ecommerce): sale statuses and sources (domain/sales.py), store and station
# statuses (domain/stores.py, domain/stations.py); shared/events/types/ecommerce.py STORE_KINDS,
# PLATFORMS, INCOME_STOPPED
ECOMMERCE = (
    N_("recorded"), N_("partly_refunded"), N_("refunded"),
    N_("operator"), N_("partner"),
    N_("household"), N_("cooperative"), N_("enterprise"),
    N_("taobao"), N_("jd"), N_("pinduoduo"), N_("wechat"), N_("douyin"), N_("other"),
    N_("open"), N_("closed"),
)

# Return-to-poverty risk signals (EventType.risk; services/registry/domain/assistance.py)
RISKS = (
    N_("program_income_stopped"), N_("serious_illness"), N_("job_ended"), N_("pv_station_down"),
)

# Program enrolment statuses (shared/programs/enrolments.py, rendered as _(e.status))
ENROLMENT_STATUSES = (N_("enrolled"), N_("exited"))

# Micro-credit (services/microcredit): loan states (domain/states.py STATES, shown as
# _('loan_' ~ status) because "applied", "approved" … already name change-request states),
# shared/events/types/microcredit.py GRADES, METHODS, REPAYMENT_SOURCES, RISK_LOAN_OVERDUE
MICROCREDIT = (
    N_("loan_applied"), N_("loan_approved"), N_("loan_rejected"), N_("loan_disbursed"), N_("loan_repaying"),
    N_("loan_overdue"), N_("loan_extended"), N_("loan_closed"), N_("loan_written_off"),
    N_("excellent"), N_("good"), N_("fair"), N_("poor"),
    N_("equal_instalments"), N_("interest_only"),
    N_("bank"),
)

# Relocation (services/relocation): shared/events/types/relocation.py SITE_KINDS, STAGES,
# SUBSIDY_KINDS, RISK_NO_EMPLOYMENT; the steps of a case (domain/lifecycle.py STEPS, ui/cases.py)
RELOCATION = (
    N_("centralized"), N_("dispersed"),
    N_("enrolled"), N_("housing_allocated"), N_("moved_in"), N_("supported"), N_("reclaimed"),
    N_("housing"), N_("moving"), N_("follow_up"), N_("reclamation"),
    N_("relocated_without_employment"),
    N_("allocate_housing"), N_("move_in"), N_("arrange_employment"), N_("record_training"), N_("reclaim_land"),
    N_("pay_subsidy"),
    N_("refused"),  # a system change request the file could not take (registry adapters/system_changes.py)
)

# Webhooks (services/webhooks): partner kinds (api/schemas.py KINDS), endpoint statuses,
# delivery statuses and kinds (adapters/deliveries.py), inbox statuses (adapters/inbox.py)
WEBHOOKS = (
    N_("ecommerce_platform"), N_("tour_operator"), N_("power_company"), N_("bank"), N_("leading_enterprise"),
    N_("active"), N_("disabled"),
    N_("pending"), N_("delivered"), N_("failed"),
    N_("event"), N_("test"), N_("replay"),
    N_("applied"), N_("refused"),
    N_("registry"), N_("ecommerce"), N_("tourism"), N_("photovoltaic"), N_("microcredit"), N_("relocation"),
    N_("Webhooks"),
)
