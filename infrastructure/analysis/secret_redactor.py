"""Secrets and personal data out of code: detect-secrets plugins in-process, behind cheap anchors."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from detect_secrets.filters import heuristic
from detect_secrets.plugins.keyword import KeywordDetector

from codemill.infrastructure.analysis.personal_data import Span, email_spans, ip_spans
from codemill.infrastructure.analysis.secret_rules import (
    EMAIL,
    IP_ADDRESS,
    LITERAL_ANCHORS,
    LOWERED_ANCHORS,
    PATTERN_ANCHORS,
    PLACEHOLDERS,
    PRIVATE_KEY,
    PRIVATE_KEY_BLOCK,
    PRIVATE_KEY_OPEN,
    PUTTY_KEY,
    SECRET,
    DetectorRule,
)

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_RANK = {SECRET: 0, EMAIL: 1, IP_ADDRESS: 2}
# Values that keyword assignments hold in configuration tables (`'MODULE_PWD_STATE': 'yes'`).
_NOT_SECRETS = frozenset(
    {"yes", "no", "true", "false", "none", "null", "nil", "on", "off", "enabled", "disabled", "undefined"}
)
# A value this long is replaced wherever it recurs in the text; shorter ones only where found.
_RECURRING_VALUE_LENGTH = 8


class SecretRedactor:
    """Redactor that replaces secrets, private keys, e-mail and IP addresses with placeholders.

    Contract: returns (text, {placeholder: count}); text with nothing to hide
    comes back unchanged with an empty dict; placeholders are never redacted
    again, so redacting twice changes nothing more.
    - `<PRIVATE_KEY>`: whole PEM/OpenSSH/PGP/PuTTY private-key blocks, across
      lines (a header without a key body stays).
    - `<SECRET>`: values found by the detect-secrets plugins chosen in
      secret_rules.py (keyword assignments with quoted values, AWS, GitHub,
      GitLab, Slack, Stripe, JWT, ...), after detect-secrets' own false-positive
      heuristics. The plugins run in-process on anchored lines only, never
      verify anything over the network, and a value of 8+ characters is
      replaced wherever it recurs in the text.
    - `<EMAIL>`, `<IP_ADDRESS>`: by the policy in personal_data.py.
    """

    def redact(self, text: str) -> tuple[str, dict[str, int]]:
        counts: Counter[str] = Counter()
        if "PRIVATE KEY" in text or "PuTTY-User-Key-File" in text:
            text = _replace_private_keys(text, counts)
        spans = _secret_spans(text) + email_spans(text) + ip_spans(text)
        if spans:
            text = _apply(text, spans, counts)
        return text, {placeholder: count for placeholder, count in counts.items() if count}


def _replace_private_keys(text: str, counts: Counter[str]) -> str:
    for pattern in (PRIVATE_KEY_BLOCK, PRIVATE_KEY_OPEN, PUTTY_KEY):
        text, replaced = pattern.subn(PRIVATE_KEY, text)
        counts[PRIVATE_KEY] += replaced
    return text


def _secret_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for (start, end), rules in _candidate_lines(text).items():
        line = text[start:end]
        for value in _secret_values(line, rules):
            spans += _occurrences(text, value, start, end)
    return spans


def _candidate_lines(text: str) -> dict[tuple[int, int], list[DetectorRule]]:
    """Line spans holding an anchor, each with the rules whose anchors (and line gates) it holds."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two; keep offsets aligned
        lowered = text.translate(_ASCII_LOWER)
    hits = [(lowered, anchor, rules) for anchor, rules in LOWERED_ANCHORS if anchor in lowered]
    hits += [(text, anchor, rules) for anchor, rules in LITERAL_ANCHORS if anchor in text]
    pattern_hits = [(pattern, rules) for pattern, rules in PATTERN_ANCHORS if pattern.search(text)]
    found: defaultdict[tuple[int, int], list[DetectorRule]] = defaultdict(list)
    for haystack, anchor, rules in hits:
        for position in _find_all(haystack, anchor):
            _add(found[_line_at(text, position)], rules)
    for pattern, rules in pattern_hits:
        for match in pattern.finditer(text):
            _add(found[_line_at(text, match.start())], rules)
    candidates = {span: [r for r in rules if _passes_gate(r, lowered, span)] for span, rules in found.items()}
    return {span: rules for span, rules in candidates.items() if rules}


def _add(rules: list[DetectorRule], new: tuple[DetectorRule, ...]) -> None:
    for rule in new:
        if rule not in rules:
            rules.append(rule)


def _passes_gate(rule: DetectorRule, lowered: str, span: tuple[int, int]) -> bool:
    return rule.line_gate is None or rule.line_gate.search(lowered, *span) is not None


def _find_all(text: str, needle: str) -> Iterable[int]:
    """Start of each occurrence, at most one per line (a line is a candidate once)."""
    position = text.find(needle)
    while position != -1:
        yield position
        line_end = text.find("\n", position)
        if line_end == -1:
            return
        position = text.find(needle, line_end)


def _line_at(text: str, position: int) -> tuple[int, int]:
    end = text.find("\n", position)
    return text.rfind("\n", 0, position) + 1, len(text) if end == -1 else end


def _secret_values(line: str, rules: list[DetectorRule]) -> set[str]:
    values: set[str] = set()
    for rule in rules:
        for detector in rule.detectors:
            values.update(v for v in detector.analyze_string(line) if _is_secret(v, line, detector))
    return values


def _is_secret(value: str, line: str, detector: object) -> bool:
    if not value or value.lower() in _NOT_SECRETS or any(p in value for p in PLACEHOLDERS):
        return False
    if isinstance(detector, KeywordDetector) and (" " in value or heuristic.is_indirect_reference(line)):
        return False
    return not (
        heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_not_alphanumeric_string(value)
        or heuristic.is_likely_id_string(value, line, detector)  # type: ignore[arg-type]
    )


def _occurrences(text: str, value: str, line_start: int, line_end: int) -> list[Span]:
    start, end = (0, len(text)) if len(value) >= _RECURRING_VALUE_LENGTH else (line_start, line_end)
    spans: list[Span] = []
    position = text.find(value, start, end)
    while position != -1:
        after = position + len(value)
        if not (_splits_a_word(text, position - 1, value[0]) or _splits_a_word(text, after, value[-1])):
            spans.append((position, after, SECRET))
        position = text.find(value, after, end)
    return spans


def _splits_a_word(text: str, index: int, edge: str) -> bool:
    """True when the value's edge character and its neighbour text[index] are both word characters.

    So `pass` inside `passwd` stays, while a value ending in `.` may touch anything.
    """
    return _is_word_char(edge) and 0 <= index < len(text) and _is_word_char(text[index])


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _apply(text: str, spans: list[Span], counts: Counter[str]) -> str:
    """Replace non-overlapping spans; where two overlap, the earlier wins, then the stronger kind.

    A secret outranks an e-mail (`://user:pass@host.io` hides the password,
    not `pass@host.io`), which outranks an IP address.
    """
    parts: list[str] = []
    cursor = 0
    for start, end, placeholder in sorted(set(spans), key=lambda s: (s[0], _RANK[s[2]], -s[1])):
        if start < cursor:
            continue
        parts += [text[cursor:start], placeholder]
        counts[placeholder] += 1
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)
