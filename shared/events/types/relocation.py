"""Relocation (易地扶贫搬迁) event types. The program's own events come with its service."""
from shared.events.types.common import declare_enrolment

ENROLLED, ENROLMENT_ENDED = declare_enrolment("relocation", "relocation", "易地扶贫搬迁")
