"""Micro-credit (扶贫小额信贷) event types. The program's own events come with its service."""
from shared.events.types.common import declare_enrolment

ENROLLED, ENROLMENT_ENDED = declare_enrolment("microcredit", "micro-credit", "扶贫小额信贷")
