"""marshmallow's own error messages as Messages (shared/messages.py), so a page can say them in
the reader's language (issue 19).

marshmallow says why a value is refused in English ("Not a valid integer.", "Length must be
between 1 and 50."), and the API's 422 bodies keep saying so. ``message_of(text)`` recognises
such a sentence and returns it as a Message with its parameters (min 1, max 50), whose text is
the catalogue's msgid; a sentence it does not know (a service's own: "A month as YYYY-MM.")
comes back as a Message without parameters, which the catalogue translates where the service
marked it with ``N_``; one with parameters is recognised by its template, given to ``templated``. Pure: no Flask, no language; tests/unit/test_validation_messages.py
checks that every message of the installed marshmallow is listed here."""
from __future__ import annotations

import re

from shared.messages import Codes, Message, N_

# code → marshmallow's default message, with its "{name}" placeholders written "%(name)s".
# Range's and the date fields' messages are built from parts; each outcome is listed.
TEMPLATES = {
    "required": N_("Missing data for required field."),
    "null": N_("Field may not be null."),
    "invalid_value": N_("Invalid value."),
    "invalid_type": N_("Invalid type."),
    "invalid_input": N_("Invalid input."),
    "invalid_input_type": N_("Invalid input type."),
    "unknown_field": N_("Unknown field."),
    "not_string": N_("Not a valid string."),
    "not_utf8": N_("Not a valid utf-8 string."),
    "not_integer": N_("Not a valid integer."),
    "not_number": N_("Not a valid number."),
    "number_too_large": N_("Number too large."),
    "special_number": N_("Special numeric values (nan or infinity) are not permitted."),
    "not_boolean": N_("Not a valid boolean."),
    "not_date": N_("Not a valid date."),
    "not_datetime": N_("Not a valid datetime."),
    "not_time": N_("Not a valid time."),
    "not_naive_datetime": N_("Not a valid naive datetime."),
    "not_aware_datetime": N_("Not a valid aware datetime."),
    "not_naive_time": N_("Not a valid naive time."),
    "not_aware_time": N_("Not a valid aware time."),
    "not_period": N_("Not a valid period of time."),
    "not_list": N_("Not a valid list."),
    "not_tuple": N_("Not a valid tuple."),
    "not_mapping": N_("Not a valid mapping type."),
    "not_email": N_("Not a valid email address."),
    "not_url": N_("Not a valid URL."),
    "not_uuid": N_("Not a valid UUID."),
    "not_ip": N_("Not a valid IP address."),
    "not_ipv4": N_("Not a valid IPv4 address."),
    "not_ipv6": N_("Not a valid IPv6 address."),
    "not_ip_interface": N_("Not a valid IP interface."),
    "not_ipv4_interface": N_("Not a valid IPv4 interface."),
    "not_ipv6_interface": N_("Not a valid IPv6 interface."),
    "not_pattern": N_("String does not match expected pattern."),
    "date_format": N_('"%(input)s" cannot be formatted as a date.'),
    "datetime_format": N_('"%(input)s" cannot be formatted as a datetime.'),
    "time_format": N_('"%(input)s" cannot be formatted as a time.'),
    "timedelta_format": N_("%(input)s cannot be formatted as a timedelta."),
    "one_of": N_("Must be one of: %(choices)s."),
    "contains_only": N_("One or more of the choices you made was not in: %(choices)s."),
    "contains_none_of": N_("One or more of the choices you made was in: %(values)s."),
    "equal": N_("Must be equal to %(other)s."),
    "length_between": N_("Length must be between %(min)s and %(max)s."),
    "length_equal": N_("Length must be %(equal)s."),
    "length_min": N_("Shorter than minimum length %(min)s."),
    "length_max": N_("Longer than maximum length %(max)s."),
    "range_gte_lte": N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    "range_gte_lt": N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    "range_gt_lte": N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    "range_gt_lt": N_("Must be greater than %(min)s and less than %(max)s."),
    "range_gte": N_("Must be greater than or equal to %(min)s."),
    "range_gt": N_("Must be greater than %(min)s."),
    "range_lte": N_("Must be less than or equal to %(max)s."),
    "range_lt": N_("Must be less than %(max)s."),
}
# Parameters that are lists of codes (a OneOf's choices), said by their names.
_CODE_LISTS = ("choices", "values")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)   # literal, name, literal, name, …, literal
    regex, named = "", set()
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex += re.escape(part)
        else:   # a placeholder said twice is the same value twice
            regex += f"(?P={part})" if part in named else f"(?P<{part}>.+?)"
            named.add(part)
    return re.compile(regex)


_EXACT = {text: code for code, text in TEMPLATES.items() if not _PLACEHOLDER.search(text)}
_PATTERNS = [(code, text, _pattern(text)) for code, text in TEMPLATES.items() if _PLACEHOLDER.search(text)]


_OWN: list = []   # (code, template, pattern) of the services' own problems with parameters


def templated(template: str) -> str:
    """A service's own problem with parameters (``N_("At most %(n)s members.")``), recognised
    like marshmallow's; returns the template, which the service formats for the API."""
    _OWN.append(("invalid", template, _pattern(template)))
    return template


def message_of(text: str) -> Message:
    """The Message a validation problem's English ``text`` says: one of marshmallow's with its
    parameters, else the text itself (code "invalid"), translated where it is marked."""
    if text in _EXACT:
        return Message(_EXACT[text], text)
    for code, template, pattern in _PATTERNS + _OWN:
        match = pattern.fullmatch(text)
        if match:
            params = {name: Codes(value.split(", ")) if name in _CODE_LISTS else value
                      for name, value in match.groupdict().items()}
            return Message(code, template, params)
    return Message("invalid", text)
