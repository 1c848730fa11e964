"""Evaluation metrics of the three tasks, in plain Python over lists of ints and strings.

Ranges: every metric is in [0, 1] except `mcc` (in [-1, 1]) and `smoothed_bleu4`
(in [0, 100], the scale CodeXGLUE reports). Empty inputs score 0. Undefined
ratios (nothing predicted, nothing true) count as 0, as scikit-learn does.

`positional_ngram_similarity` scores generated code; `code_metrics` adds it,
with AST validity, to the generation metrics of tasks whose target is code.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from xml.sax.saxutils import unescape  # nosec B406  # unescapes entities in generated text; no XML is parsed

from codemill.domain.dataset import TaskType

DEFAULT_METRIC: Mapping[TaskType, str] = {
    TaskType.CLASSIFICATION: "macro_f1",
    TaskType.SECURITY: "macro_f1",
    TaskType.GENERATION: "bleu4",
}
_NGRAM_ORDER = 4
_TINY = sys.float_info.min
_PUNCTUATION_SPLIT = re.compile(r"[\w]+|[^\s\w]")
_CODE_TOKEN = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\''  # triple-quoted strings
    r'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\])*`'  # one-line strings, templates
    r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\w*"  # numbers with their suffixes: 10L, 0x1F, 1.5f, 1e-3
    r"|[^\W\d]\w*|\$\w*"  # identifiers and keywords ($ for PHP and JavaScript names)
    r"|[^\s\w]"  # any other character, alone: punctuation and operators
)
_NIST_JOIN = [(re.compile(r"<skipped>"), ""), (re.compile(r"-\n"), ""), (re.compile(r"\n"), " ")]
_NIST_TOKENIZE = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def accuracy(y_true: Sequence[Hashable], y_pred: Sequence[Hashable]) -> float:
    """Share of positions where prediction equals truth (rows as tuples give subset accuracy)."""
    _same_length(y_true, y_pred)
    return sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(y_true) if y_true else 0.0


def macro_f1(y_true: Sequence[int], y_pred: Sequence[int], labels: Iterable[int] | None = None) -> float:
    """Unweighted mean of per-class F1 over `labels` (default: classes seen in truth or prediction)."""
    _same_length(y_true, y_pred)
    classes = sorted(set(labels) if labels is not None else set(y_true) | set(y_pred))
    if not classes:
        return 0.0
    pairs = list(zip(y_true, y_pred, strict=True))
    scores = [
        _f1(
            tp=sum(t == c and p == c for t, p in pairs),
            fp=sum(t != c and p == c for t, p in pairs),
            fn=sum(t == c and p != c for t, p in pairs),
        )
        for c in classes
    ]
    return sum(scores) / len(scores)


def mcc(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    """Matthews correlation, multi-class R_K of Gorodkin (2004); equals the usual MCC for two classes.

    R_K = (c*s - sum_k p_k*t_k) / sqrt((s^2 - sum_k p_k^2) * (s^2 - sum_k t_k^2)), with
    c correct predictions, s samples, p_k / t_k the predicted / true counts of class k;
    0 when the denominator is 0. Range [-1, 1].
    """
    _same_length(y_true, y_pred)
    s = len(y_true)
    c = sum(t == p for t, p in zip(y_true, y_pred, strict=True))
    predicted, true = Counter(y_pred), Counter(y_true)
    classes = set(predicted) | set(true)
    covariance = c * s - sum(predicted[k] * true[k] for k in classes)
    spread_pred = s * s - sum(n * n for n in predicted.values())
    spread_true = s * s - sum(n * n for n in true.values())
    if spread_pred == 0 or spread_true == 0:
        return 0.0
    return covariance / math.sqrt(spread_pred * spread_true)


def multilabel_f1(y_true: Sequence[Sequence[int]], y_pred: Sequence[Sequence[int]]) -> tuple[float, float]:
    """(micro F1, macro F1) over a 0/1 matrix, one row per sample and one column per label.

    Micro pools true/false positives and negatives over every cell; macro
    averages the per-column F1 over all columns (a column with no positive
    anywhere scores 0).
    """
    _same_length(y_true, y_pred)
    width = len(y_true[0]) if y_true else 0
    if any(len(row) != width for row in (*y_true, *y_pred)):
        raise ValueError("every row of a multi-label matrix needs the same number of columns")
    counts = [[0, 0, 0] for _ in range(width)]  # tp, fp, fn per column
    for true_row, pred_row in zip(y_true, y_pred, strict=True):
        for column, (t, p) in enumerate(zip(true_row, pred_row, strict=True)):
            counts[column][0] += int(bool(t) and bool(p))
            counts[column][1] += int(not t and bool(p))
            counts[column][2] += int(bool(t) and not p)
    if not counts:
        return 0.0, 0.0
    micro = _f1(*(sum(column[i] for column in counts) for i in range(3)))
    macro = sum(_f1(*column) for column in counts) / width
    return micro, macro


def smoothed_bleu4(references: Sequence[str], predictions: Sequence[str]) -> float:
    """Sentence-level smoothed BLEU-4 averaged over the corpus, 0-100: CodeXGLUE code-to-text `bleu.py`.

    The CodeSearchNet / CodeBERT variant, reproduced step for step: each text
    is stripped, lower-cased and split into words and punctuation
    (`[\\w]+|[^\\s\\w]`), then NIST-normalized (mteval-v11a tokenization); per
    sentence, clipped n-gram precisions for n = 1..4 with add-one smoothing on
    n > 1 (none on unigrams), their geometric mean times the brevity penalty
    exp(min(0, 1 - (r + 1) / (c + 1))), r and c the reference and candidate
    lengths; the corpus score is the mean over sentences, times 100. An empty
    prediction scores exp(-r), as in the original script.
    """
    _same_length(references, predictions)
    if not references:
        return 0.0
    scores = [
        _sentence_bleu(_bleu_words(ref), _bleu_words(hyp))
        for ref, hyp in zip(references, predictions, strict=True)
    ]
    return 100.0 * sum(scores) / len(scores)


def exact_match(references: Sequence[str], predictions: Sequence[str]) -> float:
    """Share of predictions whose lower-cased whitespace tokens equal the reference's."""
    _same_length(references, predictions)
    pairs = zip(references, predictions, strict=True)
    return sum(_words(r) == _words(p) for r, p in pairs) / len(references) if references else 0.0


def token_f1(references: Sequence[str], predictions: Sequence[str]) -> float:
    """SQuAD-style F1 of the lower-cased whitespace tokens, averaged over pairs (both empty: 1)."""
    _same_length(references, predictions)
    if not references:
        return 0.0
    return sum(_pair_f1(_words(r), _words(p)) for r, p in zip(references, predictions, strict=True)) / len(
        references
    )


def code_tokens(code: str) -> list[str]:
    """Code cut into tokens, case kept: identifiers and keywords, numbers, string literals (quotes
    included, one token each), and every other non-space character as a token of its own."""
    return _CODE_TOKEN.findall(code)


def positional_ngram_similarity(references: Sequence[str], predictions: Sequence[str]) -> float:
    """Position-aware n-gram similarity, in [0, 1]: how much of the reference the prediction has in place.

    Both texts are cut by `code_tokens`. For each order n = 1..4 that the
    reference has (N reference tokens give the orders 1..min(4, N)), share_n
    is the number of the reference's n-grams found in the prediction at the
    same token position or one position before or after (the n-gram starting
    at reference token i matches a prediction n-gram starting at i-1, i or
    i+1), divided by the reference's N-n+1 n-grams. Each prediction n-gram
    matches at most one reference n-gram (matches are taken left to right,
    the earliest free position first, which gives the most matches). A
    sample scores the mean of its share_n; an empty reference scores 1 when
    the prediction is empty too, else 0. The result is the mean over samples
    (0 for no samples). Unlike BLEU, a right token far from its place earns
    nothing, which suits short code such as assertions, where order is
    meaning: `assertEqual(b, a)` against the reference `assertEqual(a, b)`
    scores (4/6 + 1/5 + 0/4 + 0/3) / 4 = 0.2167.
    """
    _same_length(references, predictions)
    if not references:
        return 0.0
    pairs = zip(references, predictions, strict=True)
    return sum(_positional_similarity(code_tokens(r), code_tokens(p)) for r, p in pairs) / len(references)


def generation_metrics(references: Sequence[str], predictions: Sequence[str]) -> dict[str, float]:
    """bleu4 (smoothed BLEU-4, 0-100), exact_match and token_f1: every generation task's metrics."""
    return {
        "bleu4": smoothed_bleu4(references, predictions),
        "exact_match": exact_match(references, predictions),
        "token_f1": token_f1(references, predictions),
    }


def _positional_similarity(reference: list[str], prediction: list[str]) -> float:
    if not reference:
        return float(not prediction)
    orders = range(1, min(_NGRAM_ORDER, len(reference)) + 1)
    return sum(_positional_share(reference, prediction, n) for n in orders) / len(orders)


def _positional_share(reference: list[str], prediction: list[str], n: int) -> float:
    used: set[int] = set()
    last = len(prediction) - n  # the last position an n-gram of the prediction starts at
    for i in range(len(reference) - n + 1):
        gram = reference[i : i + n]
        found = next(
            (
                j
                for j in (i - 1, i, i + 1)
                if 0 <= j <= last and j not in used and prediction[j : j + n] == gram
            ),
            None,
        )
        if found is not None:
            used.add(found)
    return len(used) / (len(reference) - n + 1)


def _pair_f1(reference: list[str], prediction: list[str]) -> float:
    if not reference or not prediction:
        return float(reference == prediction)
    common = sum((Counter(reference) & Counter(prediction)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(prediction), common / len(reference)
    return 2 * precision * recall / (precision + recall)


def _sentence_bleu(reference: list[str], candidate: list[str]) -> float:
    ref_counts, hyp_counts = _ngram_counts(reference), _ngram_counts(candidate)
    log_bleu = 0.0
    for n in range(1, _NGRAM_ORDER + 1):
        guess = max(len(candidate) - n + 1, 0)
        correct = sum(min(k, ref_counts[g]) for g, k in hyp_counts.items() if len(g) == n)
        smooth = 1 if n > 1 else 0
        log_bleu += math.log(correct + smooth + _TINY) - math.log(guess + smooth + _TINY)
    brevity = min(0.0, 1 - (len(reference) + 1) / (len(candidate) + 1))
    return math.exp(log_bleu / _NGRAM_ORDER + brevity)


def _ngram_counts(words: list[str]) -> Counter[tuple[str, ...]]:
    return Counter(
        tuple(words[i : i + n]) for n in range(1, _NGRAM_ORDER + 1) for i in range(len(words) - n + 1)
    )


def _bleu_words(text: str) -> list[str]:
    text = " ".join(_PUNCTUATION_SPLIT.findall(text.strip().lower()))
    for pattern, replacement in _NIST_JOIN:
        text = pattern.sub(replacement, text)
    text = f" {unescape(text, {'&quot;': chr(34)})} ".lower()
    for pattern, replacement in _NIST_TOKENIZE:
        text = pattern.sub(replacement, text)
    return text.split()


def _words(text: str) -> list[str]:
    return text.lower().split()


def _f1(tp: int, fp: int, fn: int) -> float:
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else 0.0


def _same_length(first: Sequence[object], second: Sequence[object]) -> None:
    if len(first) != len(second):
        raise ValueError(f"truth and prediction differ in length: {len(first)} != {len(second)}")
