"""Supplier names and identifiers: redaction, a matching key, identifier clean-up, fuzzy comparison.

'MICROSOFT LTD', 'Microsoft Limited' and 'Microsoft Ltd.' all give the key 'microsoft'. Trading names
('ACME LTD T/A WIDGETCO') keep the legal name part. Pure functions; the model that uses them is
warehouse/models/intermediate/int_supplier_matches.py, which runs once per distinct published name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from loti_demand.normalise.text import fold

_TRADING_AS = re.compile(r"\s+(?:t/a|t/as|trading as)\s+.*$|\s*\((?:t/a|trading as)\s+[^)]*\)", re.IGNORECASE)
# What a publisher's export adds at the end of a name, never part of it: the council's own vendor number in square
# brackets ('MOTOROLA LTD [229816]') or in round ones with five or more digits ('VODAFONE LTD (215385)'; a shorter one
# may be a year or a company's number, 'CUSTOM COVERS (1984)', 'MMCG (2)'), a number after '#' ('BT PLC#1'), a vendor
# code straight after '&&' ('RUNWOOD HOMES LTD&&SSARO2844'; 'Tom && Jerry 2' is a name), a supplier site's letter after
# '_' ('Civica UK Ltd_a') and a spreadsheet's duplicate marker after a legal form ('CAPITA BUSINESS SERVICES LTD.1';
# 'TAXI NO.2' and 'Web 2.0' keep their numbers). Only a name's last EXPORT_SUFFIX_CHARS are searched: a suffix is
# short, and a hostile name (a run of thousands of '&') costs no more than a short one.
_EXPORT_SUFFIX = re.compile(
    r"(?:\s*(?:\[\s*[0-9]+\s*\]|\(\s*[0-9]{5,}\s*\)|#\s*[0-9]+|&{2,}[a-z]*\s?[0-9][\w/-]*)"
    r"|(?<=[^\s_])_[a-z]|(?:(?<=ltd)|(?<=limited)|(?<=plc)|(?<=llp)|(?<=inc))\.[0-9]{1,2})[\s.]*$",
    re.IGNORECASE,
)
EXPORT_SUFFIX_CHARS = 64
_SUFFIXES = re.compile(r"\b(limited|ltd|plc|llp|lp|llc|inc|incorporated|co|company|uk|gb|group|holdings|the|cic|cio)\b")
# ASCII semantics in both Python and SQL (macros.sql is_redacted_name): the test compares them on ASCII text.
REDACTED = re.compile(
    r"redact|personal data|personal information|data protection|\bdp act\b|\bgdpr\b|withheld|"
    r"name removed|not disclosed|private individual|commercially sensitive|commercial in confidence|"
    r"^[^0-9A-Za-z]*(individual|confidential|private|personal|anonymised|anonymous|unknown|sensitive|x{3,}|"
    r"third party( supplier| payee)?)"
    r"[^0-9A-Za-z]*$|^[ -/:-@\[-`{-~]+$",
    re.IGNORECASE | re.ASCII,
)
INDIVIDUAL_PAYEE = re.compile(
    r"indv|individual|individuals|private individual|person|private person|personal|sole individual",
    re.IGNORECASE | re.ASCII,
)
_DIGITS = re.compile(r"[0-9]+")
_NOISE_WORDS = frozenset(
    {
        "limited",
        "ltd",
        "plc",
        "llp",
        "lp",
        "llc",
        "inc",
        "incorporated",
        "co",
        "company",
        "uk",
        "gb",
        "the",
        "cic",
        "cio",
        "t",
        "a",
        "ta",
        "and",
        "of",
    }
)
_JUNK_IDS = {"", "na", "n/a", "none", "null", "nil", "tbc", "unknown", "redacted", "0", "-"}
# A card statement names the merchant after the payment firm's prefix ("PAYPAL *MAILCHIMP", "DNH*GODADDY.COM",
# "SQ *..."), after the council's own card marker ("PCARD - ZOOM.US", run together as "PCARDZOOM.US"), or as a web
# address ("WWW.ZOOM.US").
_CARD_PREFIX = re.compile(
    r"^\s*(?:[^*]{1,14}\*+|p-?card(?:\s*[-:]|\s|(?=[a-z]))|(?:purchase|procurement) card\b\s*[-:]?|www\.)\s*",
    re.IGNORECASE,
)


def is_redacted(name: str | None) -> bool:
    """True when the council has withheld the payee's name (REDACTED, 'Redacted under DP Act', ...)."""
    return bool(name) and bool(REDACTED.search(name))


def is_individual_payee_type(payee_type: str | None) -> bool:
    """True when the payee type column marks a private person (Devon's creditor type INDV)."""
    return bool(payee_type) and bool(INDIVIDUAL_PAYEE.fullmatch(payee_type.strip(" \t\n\r\f\v")))


def card_merchant(name: str) -> str | None:
    """The merchant a card-statement name was paid to ('MAILCHIMP' of 'PAYPAL *MAILCHIMP', 'ZOOM.US' of
    'PCARDZOOM.US'), or None when the name carries no payment firm's prefix, card marker or web address."""
    match = _CARD_PREFIX.match(name)
    return (name[match.end() :].strip() or None) if match else None


@lru_cache(maxsize=1 << 16)  # a build keys each distinct name in resolution, then again in classification
def supplier_key(name: str | None) -> str | None:
    """A matching key for a supplier name; None for blank or redacted names.

    Case, punctuation, '&'/'and', legal-form words (Ltd, Limited, PLC, LLP, ...), a trading-as part and what a
    publisher's export added at the end (a vendor number, '_a', '.1': _EXPORT_SUFFIX) are ignored: 'Brightline
    Software Limited', 'BRIGHTLINE SOFTWARE LTD.' and 'Brightline Software Ltd [204311]' share 'brightline software'.
    """
    if not name or is_redacted(name):
        return None
    legal = _legal_name(name)
    key = _SUFFIXES.sub(" ", fold(_without_export_suffix(legal)))
    key = re.sub(r"\s+", " ", key).strip()
    return key or fold(legal) or None  # a name of legal-form words alone ('LTD [229816]') is kept whole


def only_legal_form(name: str) -> bool:
    """Whether a name is nothing but legal-form words ('Ltd', 'The Company'): supplier_key keeps such a name whole, so
    as a correction or override it would name whichever supplier is called just that."""
    return not _SUFFIXES.sub(" ", fold(_without_export_suffix(_legal_name(name)))).strip()


def _legal_name(name: str) -> str:
    """The name without its trading-as part, its spaces single (the pattern would retry at each of a run's)."""
    return _TRADING_AS.sub("", " ".join(name.split()))


def _without_export_suffix(name: str) -> str:
    """The name without what the publisher's export added at its end (_EXPORT_SUFFIX), unless that is all it has."""
    found = _EXPORT_SUFFIX.search(name, max(0, len(name) - EXPORT_SUFFIX_CHARS))
    stripped = name[: found.start()] if found else name
    return stripped if fold(stripped) else name


def clean_identifier(value: str | None, kind: str) -> str | None:
    """Normalise a published identifier, or None when it is a placeholder ('NA', '0', 'Redacted').

    kind: 'company' (Companies House: 8 characters, zero-padded), 'vat' (digits, 'GB' prefix dropped) or
    'supplier' (the council's own id, compared as published without spaces).
    """
    if value is None:
        return None
    text = re.sub(r"[\s.]+", "", str(value)).upper()
    if text.lower() in _JUNK_IDS or is_redacted(text) or set(text) <= {"0", "-"}:
        return None
    if kind == "vat":
        text = text.removeprefix("GB")
        return text if re.fullmatch(r"[0-9]{9}([0-9]{3})?", text) else None
    if kind == "company":
        if re.fullmatch(r"[0-9]{1,8}", text):
            return text.zfill(8)
        return text if re.fullmatch(r"(SC|NI|OC|SO|NC|R0|IP|SP|RS|LP|SL|FC|GE)[0-9]{6}", text) else None
    return text


def name_tokens(name: str) -> frozenset[str]:
    """The words of a name that identify it: folded, legal-form and trading-as words and what the publisher's export
    added at its end dropped, t/a part kept."""
    return frozenset(fold(_without_export_suffix(name.strip())).split()) - _NOISE_WORDS


def same_name_words(a: str, b: str) -> bool:
    """True when one name's identifying words are all among the other's ('HC-One Ltd' and 'HC-One Ltd (Acorn
    Hollow)'; 'L&Q T/A London & Quadrant Housing' and 'London and Quadrant'), or the words are the same in
    another order ('O J WILLIAMS' and 'WILLIAMS O J')."""
    ta, tb = name_tokens(a), name_tokens(b)
    small, large = sorted((ta, tb), key=len)
    return bool(small) and any(len(t) >= 3 for t in small) and small <= large


def name_digits(key: str) -> tuple[str, ...]:
    """The numbers in a name: 'Unit 4 Ltd' and 'Unit 5 Ltd' differ, so they never match fuzzily."""
    return tuple(_DIGITS.findall(key))


def near_spelling(a: str, b: str, minimum: float = 90, word_minimum: float = 85) -> float:
    """Similarity (0-100) of two supplier keys when they are spellings of one name, else 0.

    Whole keys must be `minimum` alike (rapidfuzz Indel ratio), their numbers equal, and every word of one
    that is not in the other must be a near spelling (`word_minimum`) of such a word, or a truncation
    residue of at most two letters at the end: 'exeter community initiative(s)' match, 'university of
    manchester' and 'university of chester' do not (manchester/chester are only 82% alike).
    """
    if name_digits(a) != name_digits(b):
        return 0.0
    score = fuzz.ratio(a, b)
    if score < minimum:
        return 0.0
    wa, wb = a.split(), b.split()
    only_a, only_b = [w for w in wa if w not in wb], [w for w in wb if w not in wa]
    for words, others, full in ((only_a, only_b, wa), (only_b, only_a, wb)):
        for word in words:
            close = max((fuzz.ratio(word, o) for o in others), default=0)
            if close < word_minimum and not (len(word) <= 2 and word == full[-1]):
                return 0.0
    return score
