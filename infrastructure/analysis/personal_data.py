"""E-mail and IP addresses worth hiding in code, found with cheap gates before any full regex.

Policy (after the BigCode PII pipeline, which keeps private and well-known
addresses because they identify no one):
- E-mail: `local@domain.tld` with a letters-only TLD of 2+ characters;
  reserved example domains (example.com/.org/.net, *.example, *.test,
  *.invalid, *.localhost) stay.
- IPv4: only addresses of one host on the internet are replaced. Private,
  loopback, link-local, multicast, reserved, documentation (192.0.2.0/24,
  ...) and shared ranges stay, as do 0.0.0.0, 255.255.255.255 and popular
  public DNS resolvers (8.8.8.8, 1.1.1.1, ...); so do dotted runs longer
  than four numbers or glued to names (OIDs, 1.2.3.4.5, 4.3.2.1.in-addr.arpa)
  and numbers on a line that mentions a version. Quads of one- and two-digit
  numbers (1.2.3.4, section 27.4.5.1) read as versions or section numbers
  and stay unless the text within 100 characters speaks of IPs, hosts,
  servers, DNS, URLs, sockets or addresses (BigCode's single-digit rule,
  widened; about 2% of public addresses have only such numbers).
- IPv6: only valid, globally routable unicast addresses (2000::/3) with at
  least three non-empty groups (so `::1`, `a:b::c`, slices such as
  `a[1::2]` and `std::x` stay).
"""

from __future__ import annotations

import ipaddress
import re

from codemill.infrastructure.analysis.secret_rules import EMAIL, IP_ADDRESS

Span = tuple[int, int, str]  # start, end, placeholder

_EMAIL_AT = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][\w.%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])"
)
_LOCAL_PART_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_EXAMPLE_DOMAINS = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$", re.I)

_IPV4_GATE = re.compile(r"\.\d{1,3}\.\d{1,3}\.")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\w)")
_IPV6_GATE = re.compile(r":[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:]{2,39}(?![\w:.])")
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")  # the only IPv6 space handed out to hosts
_PUBLIC_RESOLVERS = frozenset(
    {
        "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
        "208.67.222.222", "208.67.220.220", "76.76.19.19", "76.223.122.150",
        "8.26.56.26", "8.20.247.20", "94.140.14.14", "94.140.15.15",
    }
)  # fmt: skip
_NETWORK_WORDS = re.compile(
    r"(?<![a-z])(?:ip|ipv4|dns|url|uri)(?![a-z])|host|server|addr|proxy|gateway|subnet|http|socket|connect|endpoint"
)


def email_spans(text: str) -> list[Span]:
    """Spans of personal e-mail addresses; each '@' is checked before any regex runs."""
    spans: list[Span] = []
    at = text.find("@")
    while at != -1:
        if at > 0 and text[at - 1] in _LOCAL_PART_CHARS and at + 1 < len(text) and text[at + 1].isalnum():
            match = _EMAIL_AT.search(text, max(0, at - 64), at + 256)
            if match and match.start() < at < match.end() and not _is_example(match.group()):
                spans.append((match.start(), match.end(), EMAIL))
                at = match.end()
        at = text.find("@", at + 1)
    return spans


def ip_spans(text: str) -> list[Span]:
    """Spans of IPv4 and IPv6 addresses that the policy above hides."""
    spans: list[Span] = []
    if _IPV4_GATE.search(text):
        spans += [(m.start(), m.end(), IP_ADDRESS) for m in _IPV4.finditer(text) if _hide_ipv4(text, m)]
    if _IPV6_GATE.search(text):
        spans += [(m.start(), m.end(), IP_ADDRESS) for m in _IPV6.finditer(text) if _hide_ipv6(m.group())]
    return spans


def _is_example(address: str) -> bool:
    return bool(_EXAMPLE_DOMAINS.search(address.rsplit("@", 1)[-1]))


def _hide_ipv4(text: str, match: re.Match[str]) -> bool:
    value = match.group()
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        return False
    if not _is_public(address) or value in _PUBLIC_RESOLVERS:
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    if "version" in text[line_start : line_end if line_end != -1 else len(text)].lower():
        return False
    if all(len(number) <= 2 for number in value.split(".")):  # 1.2.3.4, 27.4.5.1: versions, sections
        context = text[max(0, match.start() - 100) : match.end() + 100].lower()
        return _NETWORK_WORDS.search(context) is not None
    return True


def _hide_ipv6(value: str) -> bool:
    if value.count(":") < 2 or sum(1 for group in value.split(":") if group) < 3:
        return False
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return address in _GLOBAL_UNICAST_V6 and _is_public(address)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Routable to one host on the internet (Python counts multicast as global; it is not a host)."""
    return address.is_global and not (address.is_multicast or address.is_reserved)
