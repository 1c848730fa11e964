from __future__ import annotations

import pytest

from codemill.domain.docstring_targets import NO_DOCSTRING, TOO_SHORT, summarize_docstring, summary_target

GOOGLE = """Fetch rows from the table in batches.

Longer explanation that is not part of the summary.

Args:
    table: the table name.
    size: rows per batch.

Returns:
    An iterator of rows.
"""

GOOGLE_NO_BLANK = """Fetch rows from the table in batches.
Args:
    table: the table name.
"""

NUMPY = """Compute the weighted mean
of an array along an axis.

Parameters
----------
values : ndarray
    Input values.

Returns
-------
float
"""

NUMPY_NO_BLANK = """Compute the weighted mean of values.
Parameters
----------
values : ndarray
"""

SPHINX = """Open a connection to :class:`~db.Server` using ``dsn``.
:param dsn: where to connect.
:type dsn: str
:returns: the connection.
:rtype: Connection
"""

JSDOC = """Formats a **date** with the given {@link Pattern pattern}.
@param {Date} date the date
@returns {string} the formatted date
"""

JAVADOC_BLOCK = """/**
 * Returns the users of the {@code Group<User>} as a list.
 * <p>
 * The list is a copy.
 * @param group the group
 * @throws NullPointerException when group is null
 */"""

DOCTEST_FIRST = """>>> add(1, 2)
3
>>> add(
...     3, 4)
7

Add two integers and return their sum.
"""


@pytest.mark.parametrize(
    ("docstring", "expected"),
    [
        (GOOGLE, "Fetch rows from the table in batches."),
        (GOOGLE_NO_BLANK, "Fetch rows from the table in batches."),
        (NUMPY, "Compute the weighted mean of an array along an axis."),
        (NUMPY_NO_BLANK, "Compute the weighted mean of values."),
        (SPHINX, "Open a connection to db.Server using dsn."),
        (JSDOC, "Formats a date with the given pattern."),
        (JAVADOC_BLOCK, "Returns the users of the Group<User> as a list."),
        (DOCTEST_FIRST, "Add two integers and return their sum."),
        ("Add integers.\n>>> add(1, 2)\n3\n", None),  # two words before the doctest
        ("Add two integers.\n>>> add(1, 2)\n3\n", "Add two integers."),
        ("Return the absolute value of x.", "Return the absolute value of x."),
        ("   Strip   the\tleading\n   whitespace   ", "Strip the leading whitespace"),
    ],
)
def test_first_paragraph_without_structure_or_markup(docstring: str, expected: str | None) -> None:
    assert summary_target(docstring) == expected


def test_urls_only_lines_rules_html_and_links_are_noise() -> None:
    docstring = (
        "https://example.com/spec\n"
        "<b>Parse</b> the header per `RFC 9110 <https://rfc.example>`_"
        " and [the notes](http://x.y) &amp; more.\n"
        "-----\n"
    )
    assert summary_target(docstring) == "Parse the header per RFC 9110 and the notes & more."


def test_the_paragraph_stops_at_directives_headings_and_fences() -> None:
    assert summary_target("Run the job now please.\n.. note:: slow") == "Run the job now please."
    assert summary_target("Run the job now please.\n# Examples\n") == "Run the job now please."
    assert summary_target("Run the job now please.\n```\nrun()\n```") == "Run the job now please."


def test_reasons_for_no_target() -> None:
    assert summarize_docstring(None).reason == NO_DOCSTRING
    assert summarize_docstring("  \n ").reason == NO_DOCSTRING
    assert summarize_docstring("Parse it.").reason == TOO_SHORT
    assert summarize_docstring(":param x: the value\n:returns: y").reason == TOO_SHORT
    assert summarize_docstring("Args:\n    x: a fine value to read").reason == TOO_SHORT
    assert summarize_docstring("Parse the value.").reason is None


def test_word_limits() -> None:
    long = " ".join(f"word{i}" for i in range(100))
    assert summary_target(long) == " ".join(f"word{i}" for i in range(64))
    assert summary_target(long, max_words=5) == "word0 word1 word2 word3 word4"
    assert summary_target("Parse it.", min_words=2) == "Parse it."
    assert summary_target("Parse the value.", min_words=4) is None


def test_a_sentence_mentioning_a_section_word_is_kept() -> None:
    docstring = "Returns the parameters of the model as a dict.\n\nReturns:\n    dict"
    assert summary_target(docstring) == "Returns the parameters of the model as a dict."
