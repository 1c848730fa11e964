"""Which detect-secrets plugins run, and the cheap anchors that decide which lines they see.

Every rule pairs detectors with anchors: lower-case substrings looked up in
the lower-cased text, or regexes with a literal prefix run on the text as is.
A detector only ever sees a line holding one of its anchors, and each anchor
is a part that the detector's own patterns cannot match without, so the
anchors save time without losing a finding.

Left out of detect-secrets' default set, on purpose:
- Base64HighEntropyString, HexHighEntropyString: on code they flag hashes,
  test vectors, encoded fixtures and lock-file digests far more often than
  secrets (the BigCode pipeline needed a gibberish model and hash heuristics
  on top of them to make them usable).
- IPPublicDetector: IP addresses follow their own policy (personal_data.py).
- PrivateKeyDetector: it flags the header line only; private keys are
  replaced as whole blocks instead (PRIVATE_KEY_BLOCK below).
- DiscordBotTokenDetector, TelegramBotTokenDetector, TwilioKeyDetector and
  the `AP...` form of ArtifactoryDetector: pure shape patterns without a
  fixed prefix; on code they match dotted identifiers, `id:hash` pairs and
  hex digests, and no cheap anchor can select their lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.cloudant import CloudantDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.ibm_cloud_iam import IbmCloudIamDetector
from detect_secrets.plugins.ibm_cos_hmac import IbmCosHmacDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import DENYLIST_REGEX, KeywordDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.softlayer import SoftlayerDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector

T = TypeVar("T")

SECRET = "<SECRET>"  # noqa: S105  # nosec B105  # the redaction placeholder, not a secret
PRIVATE_KEY = "<PRIVATE_KEY>"
EMAIL = "<EMAIL>"
IP_ADDRESS = "<IP_ADDRESS>"
PLACEHOLDERS = (SECRET, PRIVATE_KEY, EMAIL, IP_ADDRESS)

_KEY_LABEL = r"(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?"
# A whole PEM/OpenSSH/PGP block, also when it is spread over string literals ("...\n" "...").
PRIVATE_KEY_BLOCK = re.compile(rf"-----BEGIN {_KEY_LABEL}-----.*?-----END {_KEY_LABEL}-----", re.DOTALL)
# A block cut short (no END line): the header and the base64 body that follows it.
PRIVATE_KEY_OPEN = re.compile(
    rf"-----BEGIN {_KEY_LABEL}-----(?:(?:\\[nr]|[\s\"'+,;])*[A-Za-z0-9+/]{{16,}}={{0,2}})+"
)
PUTTY_KEY = re.compile(r"PuTTY-User-Key-File-\d+:.*?Private-MAC: *[0-9a-fA-F]+", re.DOTALL)


class TokenAssignment:
    """`auth_token = "..."`, `access_key: '...'`: credential-shaped values under token names.

    detect-secrets' keyword list has no 'token' or 'access key'; this fills
    the gap with stricter values (16+ characters, letters and digits, no
    spaces) so that `TOKEN_TYPE = "refresh_token"` stays.
    """

    _PATTERN = re.compile(
        r"(?:token|access_?key)\w*[\"'\]]{0,2}\s*(?:=|:=|=>|:)\s*[\"'`]([A-Za-z0-9_\-./+=~]{16,})[\"'`]",
        re.IGNORECASE,
    )

    def analyze_string(self, string: str) -> Iterator[str]:
        for match in self._PATTERN.finditer(string):
            value = match.group(1)
            if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
                yield value


class WholeMatches:
    """A regex plugin whose capture group is the token's prefix (GitHub's `(ghp|gho|...)_`).

    detect-secrets reports the group, not the token; this reports whole matches.
    """

    def __init__(self, plugin: Any) -> None:
        self._patterns = tuple(plugin.denylist)

    def analyze_string(self, string: str) -> Iterator[str]:
        for pattern in self._patterns:
            yield from (match.group(0) for match in pattern.finditer(string))


class WholeJwts:
    """JWTs with their signature: detect-secrets' pattern stops lazily after the payload."""

    _PATTERN = re.compile(r"eyJ[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+(?:\.[A-Za-z0-9_=-]+)?")

    def analyze_string(self, string: str) -> Iterator[str]:
        for match in self._PATTERN.finditer(string):
            token = match.group(0)
            if JwtTokenDetector.is_formally_valid(token):
                yield token
            else:
                yield from JwtTokenDetector().analyze_string(token)


@dataclass(frozen=True, slots=True, eq=False)
class DetectorRule:
    detectors: tuple[Any, ...]
    lowered: tuple[str, ...] = ()  # anchors looked up in the lower-cased text
    literals: tuple[str, ...] = ()  # anchors looked up in the text as is
    patterns: tuple[re.Pattern[str], ...] = ()  # anchors searched in the text as is
    line_gate: re.Pattern[str] | None = None  # the lower-cased candidate line must also match this


Rules = tuple[DetectorRule, ...]


def _compiled(*patterns: str, flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, flags) for pattern in patterns)


RULES: tuple[DetectorRule, ...] = (
    DetectorRule(
        (KeywordDetector(),),
        lowered=("pass", "pwd", "secret", "contrase", "key"),
        line_gate=re.compile(DENYLIST_REGEX),  # `key` alone is not a keyword
    ),
    DetectorRule((TokenAssignment(),), lowered=("token", "key"), line_gate=re.compile(r"token|access_?key")),
    DetectorRule(
        (CloudantDetector(), IbmCloudIamDetector(), IbmCosHmacDetector(), SoftlayerDetector()),
        lowered=("key", "pwd", "pass", "token", "://"),
        line_gate=re.compile(r"[\w\-+/=]{20,}"),  # their values are 24 to 64 characters
    ),
    DetectorRule(
        (AWSKeyDetector(),),
        lowered=("aws",),
        patterns=_compiled(r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}"),
    ),
    DetectorRule((AzureStorageKeyDetector(),), literals=("AccountKey=",)),
    DetectorRule((BasicAuthDetector(), SlackDetector()), lowered=("://", "xox")),
    DetectorRule((NpmDetector(),), lowered=("token",), line_gate=re.compile(r"_authtoken=")),
    DetectorRule((WholeMatches(GitHubTokenDetector()),), patterns=_compiled(r"gh[pousr]_")),
    DetectorRule(
        (WholeMatches(GitLabTokenDetector()),),
        literals=("GR1348941",),
        patterns=_compiled(r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-"),
    ),
    DetectorRule((WholeJwts(),), literals=("eyJ",)),
    DetectorRule((MailchimpDetector(),), patterns=_compiled(r"-us\d")),
    DetectorRule((OpenAIDetector(),), literals=("T3BlbkFJ",)),
    DetectorRule((PypiTokenDetector(),), literals=("pypi-AgE",)),
    DetectorRule((SendGridDetector(),), patterns=_compiled(r"SG\.[\w-]{22}\.")),
    DetectorRule((SquareOAuthDetector(),), literals=("sq0csp-",)),
    DetectorRule((StripeDetector(),), literals=("k_live_",)),
)


def _by_anchor(
    anchors_of: Callable[[DetectorRule], tuple[T, ...]],
) -> tuple[tuple[T, tuple[DetectorRule, ...]], ...]:
    """Anchor -> the rules it selects, so that a text is scanned once per distinct anchor."""
    anchors = dict.fromkeys(anchor for rule in RULES for anchor in anchors_of(rule))
    return tuple((anchor, tuple(rule for rule in RULES if anchor in anchors_of(rule))) for anchor in anchors)


LOWERED_ANCHORS = _by_anchor(lambda rule: rule.lowered)
LITERAL_ANCHORS = _by_anchor(lambda rule: rule.literals)
PATTERN_ANCHORS = _by_anchor(lambda rule: rule.patterns)
