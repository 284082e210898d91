"""Photovoltaic (光伏扶贫) event types. The program's own events come with its service."""
from shared.events.types.common import declare_enrolment

ENROLLED, ENROLMENT_ENDED = declare_enrolment("photovoltaic", "photovoltaic poverty alleviation", "光伏扶贫")
