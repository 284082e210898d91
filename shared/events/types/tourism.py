"""Tourism (乡村旅游扶贫) event types. The program's own events come with its service."""
from shared.events.types.common import declare_enrolment

ENROLLED, ENROLMENT_ENDED = declare_enrolment("tourism", "rural tourism", "乡村旅游扶贫")
