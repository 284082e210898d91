"""What a reader of a page in Chinese sees that is not Chinese (issue 19).

``visible_text(html)`` is the text a person reads: text nodes outside <script> and <style>,
and the attributes a browser shows (placeholder, title, alt, aria-label, a button's value).
Literal machine text a person copies as it is — marked <code>, <pre>, <kbd> or <samp> by the
page: a CSV column's name, a payload sent to a partner, a secret — is not a word to translate.
``untranslated(text)`` is every word of it that should have been translated: a code name
(``basic_medical``: snake_case) or an English word. What is not a word to translate passes:
anything with a digit in it (ids, ID numbers, dates, amounts, area codes), URLs, e-mail
addresses and file names, dotted machine names (event types a partner subscribes to), single
letters, acronyms in capitals (a bank's, a standard's: UTC) and the short explicit list below."""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Names and abbreviations that stay as they are in a Chinese page: the product's name, the
# formats and protocols a person picks by these names, units, the language switch's own label.
ALLOWED = frozenset(w.lower() for w in (
    "Jingzhun", "API", "APIs", "OpenAPI", "AsyncAPI", "CSV", "JSON", "XLSX", "Excel", "PDF", "HTTP", "HTTPS",
    "URL", "IDs", "kg", "kWh", "kW", "m²", "MB", "ms", "English", "Webhook", "Webhooks",
))
_ACRONYM = re.compile(r"[A-Z]{2,6}s?")

_SHOWN_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")
_HIDDEN = ("script", "style", "code", "pre", "kbd", "samp")
_NOT_WORDS = re.compile(
    r"[a-z][a-z0-9+.-]*://\S+"                 # URLs
    r"|\S+@\S+\.\w+"                           # e-mail addresses
    r"|[\w.-]+\.(?:csv|xlsx|json|pdf)\b"         # file names
    r"|\b[a-z][a-z0-9_]*(?:\.[a-z0-9_*]+){2,}"  # dotted machine names: ecommerce.sale.*, cn.jingzhun.…
)
_TOKEN = re.compile(r"[A-Za-z0-9_²'’-]+")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self._hidden += 1
        attrs = dict(attrs)
        for name in _SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    """The page's visible text, one entry per text node or shown attribute."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.chunks


def untranslated(text: str, also_allowed: frozenset = frozenset()) -> list[str]:
    """The words of ``text`` a Chinese reader should not see: code names and English words.
    ``also_allowed`` adds data a test put there itself (the names people log in with)."""
    found = []
    for token in _TOKEN.findall(_NOT_WORDS.sub(" ", text)):
        word = token.strip("'’-")
        if len(word) < 2 or any(c.isdigit() for c in word) or not any(c.isascii() and c.isalpha() for c in word):
            continue
        if word in also_allowed or word.lower() in ALLOWED or _ACRONYM.fullmatch(word):
            continue
        found.append(word)
    return found
