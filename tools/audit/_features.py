"""Signals read from a page's prose and structure, for the Diátaxis classifier.

:func:`extract` turns blocks (from :mod:`tools.audit._reader`) into named
numeric features.  It reads only what a reader of the rendered page sees: the
prose of headings, paragraphs, list items, admonitions and tables (with link
and role markup already replaced by its visible text), and the shape of the
page (lists, code, tables, directives).  It never sees the file's path, its
anchors or labels, link targets, toctree entries or front matter.

Every hand-designed signal is documented in :data:`SIGNALS`; lexical
features (``w:<word>``) come from a small vocabulary chosen by the training
script and stored with the weights.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from collections import _count_elements  # type: ignore[attr-defined]
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterable, Mapping, Sequence

    from tools.audit._reader import Block

__all__ = [
    "FEATURES",
    "SIGNALS",
    "Features",
    "Signal",
    "clear_caches",
    "extract",
    "extract_runs",
    "split_runs",
]

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Signal:
    """One hand-designed signal: its feature name, what it measures, the categories it points to."""

    name: str
    measures: str
    #: Categories a high value points to (the model may only weigh it towards these); () = neutral.
    favours: tuple[str, ...]
    #: How a reason mentioning this signal reads; ``{n}`` is the raw count, ``{pct}`` a percentage.
    reason: str


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "imperative",
        "share of sentences and list items starting with an instruction verb (run, install,"
        " click…)",
        ("how-to", "tutorial"),
        "{pct}% of sentences are instructions (start with a verb such as “run” or “create”)",
    ),
    Signal(
        "to_verb",
        "sentences opening with a goal (“To configure X, …”)",
        ("how-to",),
        "{n} sentences open with a goal (“To do X, …”)",
    ),
    Signal(
        "steps",
        "numbered list items (steps), log-scaled",
        ("how-to", "tutorial"),
        "{n} numbered steps",
    ),
    Signal("bullets", "bulleted list items, log-scaled", (), "{n} bulleted items"),
    Signal(
        "you",
        "“you”, “your” per 100 words",
        ("how-to", "tutorial"),
        "addresses the reader as “you” ({n} times)",
    ),
    Signal(
        "we",
        "“we”, “our”, “us” per 100 words",
        ("tutorial", "explanation"),
        "speaks as “we” ({n} times)",
    ),
    Signal("lets", "“let's” / “let us”", ("tutorial",), "“let's …” ({n} times): a guided lesson"),
    Signal(
        "tutorial_phrases",
        "“in this tutorial”, “you will learn”, “you'll”, “we will”, “congratulations”, “at the"
        " end”",
        ("tutorial",),
        "lesson phrasing (“in this tutorial”, “you will …”) {n} times",
    ),
    Signal(
        "sequence",
        "sequence words: now, next, then, first, finally, once, after that",
        ("tutorial", "how-to"),
        "{n} sequence words (now, next, then…)",
    ),
    Signal(
        "see_output",
        "shown results: “you should see”, “output”, “result”, “looks like”",
        ("tutorial",),
        "shows the expected result {n} times (“you should see…”)",
    ),
    Signal(
        "modal",
        "modal verbs: should, must, may, might, could, can",
        ("explanation", "how-to"),
        "{n} modal verbs (should, must, may…)",
    ),
    Signal(
        "causal",
        "reasoning connectives: because, therefore, however, although, since, thus, whereas,"
        " historically",
        ("explanation",),
        "reasons and trade-offs: {n} words like “because”, “however”",
    ),
    Signal(
        "hedges",
        "hedges and generalisations: usually, typically, often, generally, sometimes, perhaps",
        ("explanation",),
        "{n} hedges (usually, often, typically…)",
    ),
    Signal(
        "concept_words",
        "words about ideas: concept, approach, design, model, architecture, purpose, reason, why",
        ("explanation",),
        "talks about ideas and design ({n} words like “concept”, “approach”)",
    ),
    Signal(
        "ref_words",
        "reference vocabulary: default, type, returns, required, optional, parameter, value,"
        " deprecated",
        ("reference",),
        "reference vocabulary ({n} words like “default”, “type”, “returns”)",
    ),
    Signal(
        "third_person",
        "sentences whose subject is the thing described (“This option sets…”, “Returns…”)",
        ("reference",),
        "{n} sentences describe a thing in the third person (“Returns…”, “Sets…”)",
    ),
    Signal(
        "sentence_len",
        "mean words per sentence (scaled)",
        ("explanation",),
        "long sentences (about {n} words on average)",
    ),
    Signal(
        "short_sentences",
        "share of sentences under 8 words",
        ("reference",),
        "{pct}% of sentences are short fragments",
    ),
    Signal(
        "paragraph_len",
        "mean words per paragraph (scaled)",
        ("explanation",),
        "long paragraphs (about {n} words on average)",
    ),
    Signal(
        "prose_share",
        "share of blocks that are paragraphs",
        ("explanation",),
        "{pct}% of blocks are running prose",
    ),
    Signal(
        "code_share",
        "share of lines that are code",
        ("how-to", "tutorial"),
        "{pct}% of lines are code",
    ),
    Signal("code_blocks", "code blocks, log-scaled", ("how-to", "tutorial"), "{n} code blocks"),
    Signal(
        "console",
        "console blocks or commands with a prompt, log-scaled",
        ("how-to", "tutorial"),
        "{n} command-line examples",
    ),
    Signal(
        "code_after_colon",
        "code blocks introduced by a sentence ending in “:”",
        ("how-to", "tutorial"),
        "{n} commands introduced by a sentence ending in “:”",
    ),
    Signal(
        "output_after_command",
        "a command followed by its output (another code block)",
        ("tutorial",),
        "{n} commands followed by their output",
    ),
    Signal("tables", "tables, log-scaled", ("reference",), "{n} tables"),
    Signal(
        "table_share",
        "share of blocks that are tables or field/definition items",
        ("reference",),
        "{pct}% of blocks are tables or definitions",
    ),
    Signal(
        "definitions",
        "field list, definition list and glossary items, log-scaled",
        ("reference",),
        "{n} definitions or fields",
    ),
    Signal(
        "api_directives",
        "API description directives (function, class, option, confval, autodoc…)",
        ("reference",),
        "{n} API descriptions (functions, options, settings)",
    ),
    Signal(
        "signatures",
        "signature-like text: name(args), --options, KEY=value",
        ("reference",),
        "{n} signatures or options (“name(args)”, “--flag”)",
    ),
    Signal(
        "inline_code",
        "inline code spans per 100 words",
        ("reference",),
        "dense inline code ({n} spans)",
    ),
    Signal(
        "admonitions",
        "admonitions (note, warning, tip…), log-scaled",
        (),
        "{n} notes, tips or warnings",
    ),
    Signal(
        "tabs",
        "tab sets, dropdowns, grids and other containers",
        ("how-to",),
        "{n} tab sets or containers",
    ),
    Signal("images", "images and figures", ("tutorial",), "{n} images or screenshots"),
    Signal("headings", "headings per 1000 words", (), "{n} headings"),
    Signal(
        "h_howto",
        "headings phrased “How to …” / “How do I …”",
        ("how-to",),
        "headings phrased “How to …”",
    ),
    Signal(
        "h_imperative",
        "headings starting with an instruction verb (“Install X”)",
        ("how-to", "tutorial"),
        "{n} headings are instructions (“Install X”)",
    ),
    Signal(
        "h_gerund",
        "headings starting with an -ing verb (“Installing X”)",
        ("how-to", "tutorial"),
        "{n} headings start with “-ing” (“Configuring …”)",
    ),
    Signal(
        "h_question",
        "headings that are questions or start with Why/What/When",
        ("explanation",),
        "{n} headings ask questions (“Why …?”)",
    ),
    Signal(
        "h_about",
        "headings like About/Overview/Background/Understanding/Concepts/Introduction",
        ("explanation",),
        "headings such as “About …”, “Overview”, “Background”",
    ),
    Signal(
        "h_lesson",
        "headings like Prerequisites/What you'll need/Next steps/Summary/Conclusion",
        ("tutorial",),
        "lesson headings (“Prerequisites”, “Next steps”)",
    ),
    Signal(
        "h_api",
        "headings that are names of code things (backticks, dots, parentheses, options)",
        ("reference",),
        "{n} headings name code things (API, options)",
    ),
    Signal(
        "h_nouns",
        "headings that are short noun phrases (no verb, no question)",
        ("reference",),
        "{n} headings are bare names",
    ),
    Signal("t_howto", "the title says “How to …”", ("how-to",), "the title says “How to …”"),
    Signal(
        "t_imperative",
        "the title is an instruction of two or more words (“Install X”)",
        ("how-to",),
        "the title is an instruction (“Install X”)",
    ),
    Signal(
        "t_gerund",
        "the title starts with an -ing verb (“Configuring X”)",
        ("how-to", "tutorial"),
        "the title starts with an -ing verb",
    ),
    Signal(
        "t_question",
        "the title is a question, or starts with Why/What/About/Understanding",
        ("explanation",),
        "the title asks or announces a topic (“Why …”, “About …”)",
    ),
    Signal(
        "t_lesson",
        "the title announces a lesson (tutorial, getting started, quickstart, first, basics)",
        ("tutorial",),
        "the title announces a lesson (“Getting started”, “Your first …”)",
    ),
    Signal(
        "t_name",
        "the title is a bare name of one or two words (“launch”, “Settings”)",
        ("reference",),
        "the title is a bare name",
    ),
    Signal(
        "t_code",
        "the title names code (backticks, dots, underscores, parentheses, options)",
        ("reference",),
        "the title names code",
    ),
    Signal(
        "code_options",
        "lines of code blocks that document options (“-h, --help  Show …”, “Usage:”)",
        ("reference",),
        "{n} lines of option or usage listings",
    ),
    Signal(
        "code_commands",
        "share of code lines that are commands to type (prompt, or a program and its arguments)",
        ("how-to", "tutorial"),
        "{pct}% of code lines are commands to type",
    ),
    Signal(
        "code_config",
        "configuration or program code blocks (YAML, JSON, TOML, Python…)",
        ("how-to", "tutorial"),
        "{n} configuration or program snippets",
    ),
    Signal(
        "continuity",
        "references back and forward within a lesson: as before, so far, previous/next section,"
        " you just, earlier",
        ("tutorial",),
        "{n} references back or forward within a lesson (“as before”, “so far”)",
    ),
    Signal(
        "goal_phrases",
        "goal and condition phrasing: if you want/need, in order to, this guide, make sure, you"
        " can",
        ("how-to",),
        "{n} goal or condition phrases (“if you need to”, “make sure”)",
    ),
    Signal(
        "explain_phrases",
        "explaining: this means, in other words, the reason, is designed, under the hood,"
        " compared to, on the other hand",
        ("explanation",),
        "{n} explaining phrases (“this means”, “in other words”)",
    ),
    Signal(
        "ref_phrases",
        "describing: defaults to, possible values, the following, new in version, is set to, see"
        " also",
        ("reference",),
        "{n} describing phrases (“defaults to”, “possible values”)",
    ),
    Signal(
        "intro_howto",
        "the opening paragraphs state a task (“this guide shows how”, “steps to”, “if you want"
        " to”)",
        ("how-to",),
        "the opening states a task to get done",
    ),
    Signal(
        "intro_tutorial",
        "the opening paragraphs promise a lesson (“in this tutorial”, “you will learn”, “walks"
        " you through”)",
        ("tutorial",),
        "the opening promises a lesson (“in this tutorial you will…”)",
    ),
    Signal(
        "intro_explanation",
        "the opening paragraphs announce a discussion (“this page explains”, “why”, “overview”,"
        " “is a”)",
        ("explanation",),
        "the opening announces a discussion (“this page explains why…”)",
    ),
    Signal(
        "intro_reference",
        "the opening paragraphs announce a description (“lists”, “the following”, “reference”,"
        " “all available”)",
        ("reference",),
        "the opening announces a description or list (“the following…”)",
    ),
    Signal(
        "step_verbs",
        "numbered items that start with an instruction verb (steps to carry out)",
        ("how-to", "tutorial"),
        "{n} numbered steps start with an instruction",
    ),
    Signal(
        "item_definitions",
        "bulleted items shaped “`name`: what it is” or “**term** - meaning”",
        ("reference",),
        "{n} list items define a name (“`name`: …”)",
    ),
    Signal(
        "h_steps",
        "headings numbered as steps (“Step 1: …”, “2. Configure …”)",
        ("tutorial", "how-to"),
        "{n} headings are numbered steps",
    ),
    Signal(
        "plain_paragraphs",
        "share of blocks that are paragraphs of 25 words or more with no code and no colon at"
        " the end",
        ("explanation",),
        "{pct}% of blocks are paragraphs of plain prose",
    ),
    Signal(
        "comparisons",
        "comparing words per 100 words: instead, unlike, alternative, trade-off, advantage,"
        " drawback, historically",
        ("explanation",),
        "{n} words that compare or weigh (“instead”, “unlike”, “trade-off”)",
    ),
    Signal(
        "bullet_verbs",
        "bulleted items that start with an instruction verb, log-scaled",
        ("how-to", "tutorial"),
        "{n} bulleted items start with an instruction",
    ),
    Signal(
        "key_values",
        "short lines shaped “key: value” in prose and lists, log-scaled",
        ("reference",),
        "{n} short “key: value” lines",
    ),
    Signal("table_rows", "rows of tables, log-scaled", ("reference",), "{n} table rows"),
    Signal(
        "conditionals",
        "share of sentences that open with “If” (conditions on a task)",
        ("how-to",),
        "{n} sentences open with “If …”",
    ),
    Signal(
        "declarative",
        "share of sentences whose subject opens them (“The …”, “This …”, “It …”, “Each …”)",
        ("explanation", "reference"),
        "{n} sentences state what something is or does (“The …”, “This …”)",
    ),
    Signal("words", "page length in words (log-scaled)", (), "{n} words"),
    Signal(
        "numbers",
        "numbers and versions per 100 words",
        ("reference",),
        "many numbers and versions ({n})",
    ),
)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_VERBS = _wordset(
    """
    activate add adjust allow apply assign authenticate back browse build call change check choose
    clean click clone close commit configure confirm connect copy create define delete deploy
    describe disable download drag edit enable enter ensure export extract fetch fill find follow
    generate get give go grant import include initialise initialize insert install keep launch list
    load log login look make mark merge modify mount move navigate note open paste pick place point
    press provide pull push put read rebuild reboot record reload remember remove rename replace
    request restart restore retrieve return review run save scroll search select send set setup
    share sign specify start stop submit switch take tell test try turn type uncomment uninstall
    unpack update upgrade upload use verify visit wait write
    access anonymise anonymize attach authorise authorize automate avoid bind block boot bootstrap
    bump cancel collect compile convert customise customize debug decrease decrypt delegate destroy
    detach diagnose document embed encrypt expose extend filter fix forward handle host increase
    integrate limit manage map migrate monitor optimise optimize override pass pin prepare prevent
    print protect provision publish purge query recover redirect reduce refresh register release
    rerun reset resize resolve restrict revoke rotate scale schedule secure shut snapshot spawn
    split store suspend sync tag track transfer trigger troubleshoot tune unlock unmount validate
    watch depend
    """
)
_VERB_PREFIXES = ("pre-", "re-", "un-", "auto-")


def _is_verb(word: str) -> bool:
    """Tell whether *word* (lower case) is an instruction verb, maybe prefixed (``pre-pull``)."""
    if word in _VERBS:
        return True
    for prefix in _VERB_PREFIXES:
        if word.startswith(prefix):
            return word[len(prefix) :] in _VERBS
    return False


_ABOUT = _wordset(
    "about overview background understanding concepts concept introduction architecture design"
    " history motivation rationale theory principles philosophy terminology glossary"
)
_LESSON = (
    "prerequisite",
    "requirements",
    "what you",
    "next step",
    "summary",
    "conclusion",
    "before you",
    "what we",
    "wrap",
    "recap",
    "learning objectives",
    "goals",
    "what's next",
)
#: Any of ``_LESSON`` anywhere in a heading.
_LESSON_HEADING = re.compile("|".join(map(re.escape, _LESSON)))
_QUESTION_START = _wordset("why what when which who where does do is are can should")
_YOU = frozenset({"you", "your", "yours", "yourself", "you'll", "you're", "you've", "you'd"})
_WE = frozenset({"we", "our", "us", "we'll", "we're", "we've", "ours"})
_SEQUENCE = frozenset({"now", "next", "then", "first", "finally", "once", "afterwards", "later"})
_MODAL = frozenset({"should", "must", "may", "might", "could", "can", "would", "shall"})
_CAUSAL = _wordset(
    "because therefore however although though since thus hence whereas historically consequently"
    " instead rather why while unlike"
)
_HEDGES = _wordset(
    "usually typically often generally sometimes perhaps likely probably mostly rarely normally"
)
_CONCEPT = _wordset(
    "concept concepts approach design model architecture purpose reason reasons idea ideas"
    " tradeoff tradeoffs trade-off trade-offs philosophy understand understanding means"
)
_REF_WORDS = _wordset(
    "default defaults type returns return required optional parameter parameters value values"
    " deprecated argument arguments string integer boolean bool int str float none null"
    " attribute attributes property properties option options syntax"
)
_THIRD = _wordset(
    "returns sets gets creates specifies defines contains lists shows displays controls"
    " represents determines enables disables allows indicates describes configures"
)
_API_DIRECTIVE = re.compile(
    r"^(?:auto\w+|(?:py|js|c|cpp|rst|std):\w+|function|class|method|attribute|data|exception|module"
    r"|confval|option|cmdoption|envvar|describe|object|program|currentmodule|decorator|property)$"
)
_TABS = frozenset({"tab-set", "tab-item", "tabs", "tab", "dropdown", "grid", "grid-item", "card"})

#: Words are runs of lower-case letters, apostrophes, hyphens and characters beyond ASCII (other
#: than white space).  The table turns every other ASCII character into a space in the UTF-8
#: bytes of a text (the bytes of other characters are all above 127: they are kept as they are);
#: ``bytes.translate`` and decoding again are much faster than ``str.translate``.
_TO_WORDS = bytes(
    c if c > 127 or chr(c) in "'-" or (chr(c).isalpha() and chr(c).islower()) else 32  # noqa: PLR2004 - ASCII
    for c in range(256)
)
_ITEM_DEFINITION = re.compile(r"(?:`[^`]+`|\*\*[^*]+\*\*|[\w.-]+)\s*(?::|\s[-\u2013\u2014])\s")
_DIGITS = "0123456789"
_SHORT = 7
_LEAD = " \t*_\"'(`[>-"
#: A command line with a prompt.  The patterns of code lines start with the newline before the
#: line (searched in the text after a newline) rather than ``^``: the engine then skips from
#: newline to newline instead of trying every character.
_PROMPT_LINE = re.compile(r"\n\s*(?:\([\w.-]+\)\s*)?(?:\$|>>>|PS>|[\w.@-]+[$#%>]) ")


_PHRASES_TUTORIAL = (
    "this tutorial",
    "you will learn",
    "you'll learn",
    "are going to",
    "congratulations",
    "by the end",
    "let's",
    "let us",
    "our first",
    "we now",
    "we just",
    "you have now",
    "you have just",
    "you've now",
    "you've just",
    "you now have",
    "what you've learned",
    "you have learned",
)
_PHRASES_OUTPUT = (
    "should see",
    "the output",
    "output is",
    "output looks",
    "output will",
    "looks like",
    "you will see",
    "you'll see",
    "prints",
    "displays",
    "shows something like",
    "similar to",
)
_CONTINUITY = (
    "as before",
    "so far",
    "previous section",
    "previous step",
    "previous chapter",
    "previous tutorial",
    "next section",
    "next step",
    "next chapter",
    "next tutorial",
    "you just",
    "we just",
    "earlier",
    "from now on",
    "the last step",
    "you created",
    "we created",
    "you've created",
    "you have created",
    "as follows",
    "after running",
    "after that",
    "once you",
    "once this",
)
_GOAL = (
    "if you want",
    "if you need",
    "you would like",
    "if you'd like",
    "if you wish",
    "if you prefer",
    "you are using",
    "if you have",
    "in order to",
    "this guide",
    "this page shows",
    "this document shows",
    "this section shows",
    "describes how",
    "explains how",
    "make sure",
    "you can",
    "you may want",
    "you need to",
    "you must",
    "to do this",
    "to do so",
    "follow these",
    "the following steps",
    "troubleshoot",
)
_EXPLAIN = (
    "this means",
    "in other words",
    "for instance",
    "the idea",
    "the reason",
    "this is because",
    "is designed",
    "works by",
    "under the hood",
    "behind the scenes",
    "the difference",
    "compared to",
    "the other hand",
    "is responsible for",
    "it is important",
    "in practice",
    "in general",
    "the goal of",
    "the purpose",
    "trade-off",
    "tradeoff",
    "trade-offs",
    "the advantage",
    "the downside",
    "the benefit",
    "consider",
    "depends on",
    "the concept",
)
_REF_PHRASES = ((
    "defaults to", "default to", "possible values", "accepted values", "valid values",
    "the following", "new in version", "changed in version", "is set to", "see also",
    "returns a", "returns an", "returns the", "return a", "return the", "raises", "if not set",
    "if unset", "one of", "must be a", "must be an", "must be one", "is a list", "is a string",
    "is an integer", "is a boolean", "is a dictionary", "is a dict", "is a mapping",
))  # fmt: skip


_INTRO = {
    "intro_howto": (
        "how to", "this guide", "steps to", "shows how", "show how", "shows you how",
        "describes how", "explains how to", "if you want", "if you need", "you can", "in order to",
        "follow these", "allows you to", "helps you",
    ),
    "intro_tutorial": (
        "this tutorial", "you will learn", "you'll learn", "walks you through", "walk you through",
        "we will", "we'll", "let's", "let us", "you will build", "you will create",
        "will set up", "you will deploy", "by the end", "step by step", "hands-on",
        "first time",
    ),
    "intro_explanation": (
        "this page explains", "this page describes", "this page discusses", "this page covers",
        "this document explains", "this document describes", "this document discusses",
        "this section explains", "this section describes", "this article", "why", "overview",
        "background", "concept", "concepts", "is a", "is an", "is the", "are a", "are the",
        "understand", "the idea", "design",
    ),
    "intro_reference": (
        "list", "lists", "the following", "reference", "all available", "all the available",
        "all supported", "all the supported", "describes the", "specification", "documents the",
        "table", "options", "settings", "commands", "api",
    ),
}  # fmt: skip
_PHRASES = {
    "tutorial_phrases": _PHRASES_TUTORIAL,
    "see_output": _PHRASES_OUTPUT,
    "continuity": _CONTINUITY,
    "goal_phrases": _GOAL,
    "explain_phrases": _EXPLAIN,
    "ref_phrases": _REF_PHRASES,
}
#: Every phrase family, by name.
_FAMILIES = {**_PHRASES, **_INTRO}


#: A phrase of several words as indexed by its anchor (see ``_PhraseIndex``).
_Anchored = tuple[str, int, list[str], tuple[int, ...], int, str]


class _PhraseIndex(NamedTuple):
    """The phrases of some families: one-word ones by word, longer ones by their anchor word.

    A longer phrase is found through its *anchor*, the word of it least likely to occur in
    other text (so few places are looked at); it is kept as (phrase, where the anchor is in
    it, its words, its families, where a word beside the anchor is relative to it, that word).
    """

    families: int
    uni: dict[str, tuple[int, ...]]
    uni_words: frozenset[str]
    anchored: dict[str, tuple[_Anchored, ...]]
    anchors: frozenset[str]


#: Words too common to find a phrase by, the commonest first: a phrase made only of them is
#: found by the least common.
_COMMON_WORDS = (
    "the", "to", "a", "and", "of", "is", "in", "you", "it", "for", "this", "that", "on", "be",
    "are", "as", "with", "can", "your", "we", "will", "by", "if", "from", "or", "not", "at",
    "an", "do", "one", "our", "so", "its", "see",
)  # fmt: skip
_COMMON = {w: rank for rank, w in enumerate(_COMMON_WORDS)}


def _anchor(parts: list[str]) -> int:
    """Return where in *parts* (a phrase's words) the word to find the phrase by is."""

    def rarity(i: int) -> tuple[int, int, int]:
        word = parts[i]
        return (1, -_COMMON[word], i) if word in _COMMON else (0, -len(word), i)

    return min(range(len(parts)), key=rarity)


def _phrase_index(families: tuple[str, ...]) -> _PhraseIndex:
    """Index the phrases of *families* (counts are returned in their order)."""
    uni: dict[str, list[int]] = {}
    multi: dict[str, list[int]] = {}
    for i, family in enumerate(families):
        for phrase in _FAMILIES[family]:
            if " " in phrase:
                multi.setdefault(phrase, []).append(i)
            else:
                uni.setdefault(phrase, []).append(i)
    anchored: dict[str, list[_Anchored]] = {}
    for phrase, found in multi.items():
        parts = phrase.split()
        at = _anchor(parts)
        near = -1 if at else 1  # the word beside the anchor, looked at first
        entry = (phrase, at, parts, tuple(found), near, parts[at + near])
        anchored.setdefault(parts[at], []).append(entry)
    return _PhraseIndex(
        len(families),
        {w: tuple(f) for w, f in uni.items()},
        frozenset(uni),
        {w: tuple(p) for w, p in anchored.items()},
        frozenset(anchored),
    )


#: The families counted in all prose, and the opening's families (counted in the opening only).
_ALL_PHRASES = _phrase_index(tuple(_PHRASES))
_INTRO_PHRASES = _phrase_index(tuple(_INTRO))


def _phrase_counts(
    words: list[str], counts: Mapping[str, int], index: _PhraseIndex = _ALL_PHRASES
) -> list[int]:
    """Count the phrases of every family of *index* in *words* (``counts``: per word).

    A phrase of two words counts at every place it occurs; a longer one counts where it
    occurs apart from its previous occurrence (two in a row, sharing no word, count once).
    """
    out = [0] * index.families
    uni = index.uni
    for w in index.uni_words.intersection(counts):
        n = counts[w]
        for i in uni[w]:
            out[i] += n
    if index.anchors.isdisjoint(counts):
        return out
    # only the places of anchor words are looked at
    anchored = index.anchored
    after: dict[str, int] = {}
    last = len(words) - 1
    for at in itertools.compress(itertools.count(), map(index.anchors.__contains__, words)):
        for phrase, offset, parts, families, near, beside in anchored[words[at]]:
            n = at + near
            if n < 0 or n > last or words[n] != beside:
                continue
            size = len(parts)
            if size > 2:  # noqa: PLR2004 - longer than a pair: the rest, apart from the previous
                start = at - offset
                if (
                    start < 0
                    or words[start : start + size] != parts
                    or start < after.get(phrase, 0)
                ):
                    continue
                after[phrase] = start + size + 1
            for i in families:
                out[i] += 1
    return out


_HOWTO_H = re.compile(r"^(?:how (?:to|do|can)|to \w+)")
_CODE_OPTION = re.compile(
    r"\n\s*(?:-{1,2}[A-Za-z?][\w-]*(?:[ ,=<\[][^\n]*?)?\s{2,}\S"
    r"|(?:usage|options|arguments|commands|synopsis)\b:?)",
    re.IGNORECASE,
)
_CODE_COMMAND = re.compile(
    r"\n\s*(?:[$#%>] |>>> |PS[^>]*> |(?:sudo|[a-z][\w.-]*) (?![=:(])[^\n:]*$)", re.MULTILINE
)
_CONFIG_LANGS = _wordset(
    "yaml yml json toml ini cfg python py python3 javascript js typescript ts jsonc xml html css"
    " ipython pycon rst md markdown myst jinja go rust c cpp java"
)
_LESSON_TITLE = re.compile(
    r"tutorial|getting started|get started|quick ?start|first|basics|introduction|learn|lesson"
    r"|walkthrough|hello"
)
_ABOUT_TITLE = re.compile(r"^(?:why|what|about|understanding|how \w+ works|overview|on |the case)")


_COMPARE = _wordset(
    "instead unlike traditionally alternative alternatives alternatively compared comparison"
    " differs differ difference differences drawback drawbacks advantage advantages disadvantage"
    " disadvantages benefit benefits limitation limitations tradeoff tradeoffs trade-off"
    " trade-offs whereas historically originally downside downsides"
)


class Features(NamedTuple):
    """Feature values (for the model) and raw counts (for the reasons)."""

    #: The value of every signal feature, in the order of :data:`FEATURES`.
    vector: list[float]
    #: The lexical features (``w:<word>``) of the words asked for.
    lexical: dict[str, float]
    counts: dict[str, float]
    words: int

    @property
    def values(self) -> dict[str, float]:
        """Every feature by name: the signals, then the lexical ones."""
        return {**dict(zip(FEATURES, self.vector, strict=True)), **self.lexical}


#: log(1 + n), the damping of every count feature (the C function itself: no Python frame).
_log: Callable[[float], float] = math.log1p


#: The additive structural counts of a run of blocks, in the order ``_segment`` returns them.
_STRUCT = (
    "n_par", "n_ord", "n_bul", "n_code", "n_console", "n_table", "n_def", "n_api", "n_adm",
    "n_tabs", "n_img", "code_lines", "prose_lines", "code_after_colon", "output_after",
    "code_opts", "code_cmds", "n_config", "step_verbs", "item_defs", "api_calls", "par_words",
    "plain_par", "bullet_verbs", "n_blocks", "key_values", "table_rows",
    "h_howto", "h_imp", "h_ger", "h_q", "h_about", "h_lesson", "h_api", "h_noun", "h_step",
)  # fmt: skip
_H0 = _STRUCT.index("h_howto")
#: Paragraphs at least this long, with no code and not introducing code, are running prose.
_PLAIN_WORDS = 25
_NO_INTRO = (0,) * len(_INTRO)
#: A short line "key: value" ("Default: none", "`name`: the hub's name").
_KEY_VALUE = re.compile(r"^[ \t]*[`*]*[\w][\w .`*/-]{0,30}[`*]*:[ \t]+\S[^\n]{0,80}$", re.MULTILINE)
_DECLARATIVE = frozenset({"the", "this", "it", "these", "a", "an", "each", "every", "there", "its"})


def _heading_kind(h: str) -> tuple[int, int]:
    """Return (index among the heading counts of ``_STRUCT``, 1 if numbered as a step)."""
    raw_h = h.strip().lower()
    step = int(raw_h.startswith("step") or raw_h[:1].isdigit())
    hl = raw_h.lstrip("0123456789. ")
    first = hl.split(" ", 1)[0].strip("`*_\"'") if hl else ""
    if _HOWTO_H.match(hl):
        kind = 0
    elif _is_verb(first) and " " in hl:
        kind = 1
    elif first.endswith("ing") and len(first) > 4:  # noqa: PLR2004
        kind = 2
    elif _LESSON_HEADING.search(hl):  # before questions: "What you'll need" is no question
        kind = 5
    elif hl.endswith("?") or first in _QUESTION_START:
        kind = 3
    elif first in _ABOUT or not _ABOUT.isdisjoint(hl.split()[:3]):
        kind = 4
    elif "`" in h or "(" in h or "." in hl.strip(".") or hl.startswith("-") or "_" in hl:
        kind = 6
    else:
        kind = 7
    return kind, step


class _Segment(NamedTuple):
    """What a run of blocks (a heading and the blocks up to the next heading) contributes."""

    struct: tuple[int, ...]
    prose: tuple[int, ...]
    #: The words of its prose, in order (tallied only for lexical features).
    words: list[str]
    heading: str
    #: How many of ``words`` are the first three prose blocks' (the opening after the heading);
    #: -1 without prose.
    opening: int


def _segment(blocks: tuple[Block, ...]) -> _Segment:  # noqa: C901, PLR0912, PLR0915 - one pass
    """Count the signals of a heading and the blocks up to the next heading."""
    s = [0] * len(_STRUCT)
    prose: list[str] = []
    heading = ""
    prev_kind = ""
    prev_text = ""
    for kind, raw, _line, _level, info in blocks:
        if kind == "paragraph":
            s[0] += 1
            text = raw.replace("\n", " ")
            prose.append(text)
            s[12] += raw.count("\n") + 1
            if ": " in raw or ":\t" in raw:
                s[25] += len(_KEY_VALUE.findall(raw))
            n = text.count(" ") + 1
            s[21] += n
            if n >= _PLAIN_WORDS and "`" not in text and not text.rstrip().endswith(":"):
                s[22] += 1
        elif kind in {"list", "ordered_list"}:
            text = raw.replace("\n", " ")
            prose.append(text)
            s[12] += raw.count("\n") + 1
            if ": " in raw or ":\t" in raw:
                s[25] += len(_KEY_VALUE.findall(raw))
            if info in {"field", "definition"}:
                s[6] += 1
            elif kind == "ordered_list":
                s[1] += 1
                first = text.lstrip(_LEAD).split(" ", 1)[0].lower().rstrip(":,;.")
                s[18] += _is_verb(first)
            else:
                s[2] += 1
                if _ITEM_DEFINITION.match(text) is not None:
                    s[19] += 1
                else:
                    first = text.lstrip(_LEAD).split(" ", 1)[0].lower().rstrip(":,;.")
                    s[23] += _is_verb(first)
        elif kind == "heading":
            if raw:
                heading = heading or raw
                k, step = _heading_kind(raw)
                s[_H0 + k] += 1
                s[_H0 + 8] += step
        elif kind in {"code", "console"}:
            text = raw
            lines = "\n" + text  # every line after a newline (see _PROMPT_LINE)
            s[11] += text.count("\n") + 1
            if "-" in text or ":" in text:
                s[15] += len(_CODE_OPTION.findall(lines))
            s[16] += len(_CODE_COMMAND.findall(lines))
            if info.lower() in _CONFIG_LANGS:
                s[17] += 1
            if kind == "console" or _PROMPT_LINE.search(lines):
                s[4] += 1
            else:
                s[3] += 1
            if prev_kind in {"paragraph", "list", "ordered_list"} and prev_text.rstrip().endswith(
                ":"
            ):
                s[13] += 1
            if prev_kind in {"code", "console"}:
                s[14] += 1
        elif kind == "table":
            s[5] += 1
            s[26] += raw.count("\n") + 1
            prose.append(raw.replace("|", " ").replace("\n", " "))
        elif kind == "admonition":
            s[8] += 1
            if raw:
                prose.append(raw)
        elif kind == "directive":
            if _API_DIRECTIVE.match(info):
                s[7] += 1
                s[20] += "(" in raw
            elif info in _TABS:
                s[9] += 1
        elif kind == "image":
            s[10] += 1
            if raw:
                prose.append(raw)
        prev_kind = kind
        if kind != "heading":
            prev_text = raw
    s[24] = len(blocks)
    st = _prose_stats(prose)
    return _Segment(tuple(s), st.numbers, st.words, heading, st.opening if prose else -1)


#: Segments already counted, by the id of their first block; each entry keeps its blocks
#: alive, so an id cannot be reused while its entry exists.
_SEGMENTS: dict[tuple[int, int], tuple[tuple[Block, ...], _Segment]] = {}
_MAX_SEGMENTS = 4096


def _cached(run: Sequence[Block]) -> _Segment | None:
    """Return the counts of *run* if these very blocks were counted before."""
    hit = _SEGMENTS.get((id(run[0]), len(run)))
    if hit is not None and (hit[0] is run or all(map(operator.is_, hit[0], run))):
        return hit[1]
    return None


def _segment_of(run: tuple[Block, ...]) -> _Segment:
    """Return the counts of *run*, reusing those of the same blocks counted before."""
    seg = _cached(run)
    if seg is None:
        seg = _segment(run)
        if len(_SEGMENTS) >= _MAX_SEGMENTS:
            _SEGMENTS.clear()
        _SEGMENTS[id(run[0]), len(run)] = (run, seg)
    return seg


def split_runs(blocks: Sequence[Block]) -> list[tuple[Block, ...]]:
    """Cut *blocks* before every heading (the runs the reader makes its sections of)."""
    cuts = [i for i, b in enumerate(blocks) if b.kind == "heading" and i]
    if not cuts:
        return [tuple(blocks)]
    out = []
    start = 0
    for i in cuts:
        out.append(tuple(blocks[start:i]))
        start = i
    out.append(tuple(blocks[start:]))
    return out


def clear_caches() -> None:
    """Forget the counts kept for blocks seen before (for benchmarks that start cold)."""
    _SEGMENTS.clear()


def extract(
    blocks: Sequence[Block],
    title: str = "",
    *,
    vocabulary: Container[str] | None = None,
    with_counts: bool = True,
) -> Features:
    """Compute the features of a page or section from its *blocks* (and *title*).

    Lexical features ``w:<word>`` are made for the words in *vocabulary* (every word when None).
    Without *with_counts*, ``Features.counts`` (used only for reasons) is left empty.
    """
    runs = split_runs(blocks) if blocks else []
    return extract_runs(runs, title, vocabulary=vocabulary, with_counts=with_counts)


def extract_runs(  # noqa: PLR0915 - the features of the summed counts
    runs: Sequence[tuple[Block, ...]],
    title: str = "",
    *,
    vocabulary: Container[str] | None = None,
    with_counts: bool = True,
) -> Features:
    """Compute the features of the blocks of *runs*, each cut before a heading (``Section.blocks``).

    The same as :func:`extract` on the blocks of the runs one after the other, without cutting
    them again: a page's sections are its runs, and the counts of a run are kept for the
    sections made of it.
    """
    segments = [_segment_of(run) for run in runs if run]
    if len(segments) == 1:
        s = list(segments[0].struct)
        tot = list(segments[0].prose)
    else:
        s = list(map(sum, zip(*(g.struct for g in segments), strict=True))) or [0] * len(_STRUCT)
        tot = list(map(sum, zip(*(g.prose for g in segments), strict=True))) or [0] * _N_STATS
    (n_par, n_ord, n_bul, n_code, n_console, n_table, n_def, n_api, n_adm, n_tabs, n_img) = s[:11]
    (code_lines, prose_lines, code_after_colon, output_after, code_opts, code_cmds) = s[11:17]
    (n_config, step_verbs, item_defs, api_calls, par_words, plain_par, bullet_verbs) = s[17:24]
    n_blocks = max(1, s[24])
    key_values, table_rows = s[25:27]
    (h_howto, h_imp, h_ger, h_q, h_about, h_lesson, h_api, h_noun, h_step) = s[_H0:]
    (n_words, you, we, seq, modal, causal, hedges, concept, refw, lets) = tot[:10]
    (tut, out, cont, goal, expl, refp) = tot[10:16]
    (n_sent, imperative, third, to_verb, short, inline, calls, dashes, numbers) = tot[16:25]
    (compare, conditional, declarative) = tot[25:28]
    first_heading = title or next((g.heading for g in segments if g.heading), "")
    # the opening: the heading and first prose blocks of the first part with prose
    opening = next((g for g in segments if g.opening >= 0), None)
    intro_counts = _intro_counts(opening) if opening is not None else _NO_INTRO
    n_head = sum(s[_H0 : _H0 + 8])
    if title and (not segments or segments[0].heading != title):  # a title not yet counted
        k, step = _heading_kind(title)
        n_head += 1
        h_step += step
        hs = [h_howto, h_imp, h_ger, h_q, h_about, h_lesson, h_api, h_noun]
        hs[k] += 1
        (h_howto, h_imp, h_ger, h_q, h_about, h_lesson, h_api, h_noun) = hs
    n_sent = max(1, n_sent)
    per100 = 100.0 / max(n_words, 20)
    signatures = calls + dashes + api_calls
    sent_len = n_words / n_sent
    n_chunks = n_sent

    title_text = first_heading.strip()
    tl = title_text.lower()
    t_first = tl.split(" ", 1)[0].strip("`*_\"'") if tl else ""
    t_words = len(tl.split())
    t_code = int(
        "`" in title_text
        or "(" in tl
        or "_" in tl
        or bool(_DOTTED.search(tl))
        or tl.startswith("-")
    )
    t_howto = int(bool(_HOWTO_H.match(tl)))
    t_imp = int(not t_howto and _is_verb(t_first) and t_words >= 2)  # noqa: PLR2004
    t_ger = int(t_first.endswith("ing") and len(t_first) > 4 and t_words >= 2)  # noqa: PLR2004
    t_q = int(tl.endswith("?") or bool(_ABOUT_TITLE.match(tl)))
    t_lesson = int(bool(_LESSON_TITLE.search(tl)))
    t_name = int(0 < t_words <= 2 and not (t_howto or t_imp or t_ger or t_q or t_lesson))  # noqa: PLR2004
    all_lines = max(1, code_lines + prose_lines)
    par_len = round(par_words / n_par) if n_par else 0

    # raw counts, for the reasons only
    counts_out: dict[str, float] = (
        {}
        if not with_counts
        else {
            "imperative": imperative,
            "to_verb": to_verb,
            "steps": n_ord,
            "bullets": n_bul,
            "you": you,
            "we": we,
            "lets": lets,
            "tutorial_phrases": tut,
            "sequence": seq,
            "see_output": out,
            "modal": modal,
            "causal": causal,
            "hedges": hedges,
            "concept_words": concept,
            "ref_words": refw,
            "third_person": third,
            "sentence_len": round(sent_len),
            "short_sentences": short,
            "paragraph_len": par_len,
            "prose_share": n_par,
            "code_share": code_lines,
            "code_blocks": n_code + n_console,
            "console": n_console,
            "code_after_colon": code_after_colon,
            "output_after_command": output_after,
            "tables": n_table,
            "table_share": n_table + n_def,
            "definitions": n_def,
            "api_directives": n_api,
            "signatures": signatures,
            "inline_code": inline,
            "admonitions": n_adm,
            "tabs": n_tabs,
            "images": n_img,
            "headings": n_head,
            "h_howto": h_howto,
            "h_imperative": h_imp,
            "h_gerund": h_ger,
            "h_question": h_q,
            "h_about": h_about,
            "h_lesson": h_lesson,
            "h_api": h_api,
            "h_nouns": h_noun,
            "words": n_words,
            "numbers": numbers,
            "t_howto": t_howto,
            "t_imperative": t_imp,
            "t_gerund": t_ger,
            "t_question": t_q,
            "t_lesson": t_lesson,
            "t_name": t_name,
            "t_code": t_code,
            "code_options": code_opts,
            "code_commands": code_cmds,
            "code_config": n_config,
            "continuity": cont,
            "goal_phrases": goal,
            "explain_phrases": expl,
            "ref_phrases": refp,
            **dict(zip(_INTRO, intro_counts, strict=True)),
            "step_verbs": step_verbs,
            "item_definitions": item_defs,
            "h_steps": h_step,
            "plain_paragraphs": plain_par,
            "comparisons": compare,
            "bullet_verbs": bullet_verbs,
            "key_values": key_values,
            "table_rows": table_rows,
            "conditionals": conditional,
            "declarative": declarative,
        }
    )
    pct_imperative = imperative / n_sent
    pct_short_sentences = short / n_chunks
    pct_prose_share = n_par / n_blocks
    pct_code_share = code_lines / all_lines
    pct_table_share = (n_table + n_def) / n_blocks
    pct_code_commands = min(1.0, code_cmds / max(1, code_lines))
    pct_plain_paragraphs = plain_par / n_blocks
    hden = 1.0 / max(1, n_head)
    vector = [
        pct_imperative,  # imperative
        to_verb / n_sent,  # to_verb
        _log(n_ord),  # steps
        _log(n_bul),  # bullets
        min(you * per100, 10.0),  # you
        min(we * per100, 10.0),  # we
        _log(lets),  # lets
        _log(tut),  # tutorial_phrases
        seq * per100,  # sequence
        _log(out),  # see_output
        modal * per100,  # modal
        causal * per100,  # causal
        hedges * per100,  # hedges
        concept * per100,  # concept_words
        refw * per100,  # ref_words
        third / n_sent,  # third_person
        min(sent_len, 60.0) / 20.0,  # sentence_len
        pct_short_sentences,  # short_sentences
        _log(par_len),  # paragraph_len
        pct_prose_share,  # prose_share
        pct_code_share,  # code_share
        _log(n_code + n_console),  # code_blocks
        _log(n_console),  # console
        _log(code_after_colon),  # code_after_colon
        _log(output_after),  # output_after_command
        _log(n_table),  # tables
        pct_table_share,  # table_share
        _log(n_def),  # definitions
        _log(n_api),  # api_directives
        min(signatures * per100, 20.0),  # signatures
        min(inline * per100, 30.0),  # inline_code
        _log(n_adm),  # admonitions
        _log(n_tabs),  # tabs
        _log(n_img),  # images
        min(n_head * 1000.0 / max(n_words, 50), 100.0),  # headings
        h_howto * hden,  # h_howto
        h_imp * hden,  # h_imperative
        h_ger * hden,  # h_gerund
        h_q * hden,  # h_question
        h_about * hden,  # h_about
        h_lesson * hden,  # h_lesson
        h_api * hden,  # h_api
        h_noun * hden,  # h_nouns
        _log(n_words),  # words
        min(numbers * per100, 30.0),  # numbers
        t_howto,  # t_howto
        t_imp,  # t_imperative
        t_ger,  # t_gerund
        t_q,  # t_question
        t_lesson,  # t_lesson
        t_name,  # t_name
        t_code,  # t_code
        _log(code_opts),  # code_options
        pct_code_commands,  # code_commands
        _log(n_config),  # code_config
        min(cont * per100, 10.0),  # continuity
        min(goal * per100, 10.0),  # goal_phrases
        min(expl * per100, 10.0),  # explain_phrases
        min(refp * per100, 10.0),  # ref_phrases
        *map(_log, intro_counts),  # the intro_* signals
        _log(step_verbs),  # step_verbs
        _log(item_defs),  # item_definitions
        h_step * hden,  # h_steps
        pct_plain_paragraphs,  # plain_paragraphs
        min(compare * per100, 10.0),  # comparisons
        _log(bullet_verbs),  # bullet_verbs
        _log(key_values),  # key_values
        _log(table_rows),  # table_rows
        conditional / n_sent,  # conditionals
        declarative / n_sent,  # declarative
    ]
    if with_counts:
        pcts = (pct_imperative, pct_short_sentences, pct_prose_share, pct_code_share,
                pct_table_share, pct_code_commands, pct_plain_paragraphs)  # fmt: skip
        for key, val in zip(_PCT, pcts, strict=True):
            counts_out[f"{key}_pct"] = round(100 * val)
    # lexical features: scaled term frequency of every word (the model keeps only its vocabulary)
    lexical: dict[str, float] = {}
    if vocabulary is None or vocabulary:
        counts = _tally(itertools.chain.from_iterable(g.words for g in segments))
        scale = 100.0 / max(n_words, 50)
        for w, c in counts.items():
            if vocabulary is None or w in vocabulary:
                lexical["w:" + w] = math.log1p(c * scale)
    return Features(vector, lexical, counts_out, n_words)


#: The signal features :func:`extract_runs` computes, in the order of ``Features.vector``.
FEATURES: tuple[str, ...] = (
    "imperative",
    "to_verb",
    "steps",
    "bullets",
    "you",
    "we",
    "lets",
    "tutorial_phrases",
    "sequence",
    "see_output",
    "modal",
    "causal",
    "hedges",
    "concept_words",
    "ref_words",
    "third_person",
    "sentence_len",
    "short_sentences",
    "paragraph_len",
    "prose_share",
    "code_share",
    "code_blocks",
    "console",
    "code_after_colon",
    "output_after_command",
    "tables",
    "table_share",
    "definitions",
    "api_directives",
    "signatures",
    "inline_code",
    "admonitions",
    "tabs",
    "images",
    "headings",
    "h_howto",
    "h_imperative",
    "h_gerund",
    "h_question",
    "h_about",
    "h_lesson",
    "h_api",
    "h_nouns",
    "words",
    "numbers",
    "t_howto",
    "t_imperative",
    "t_gerund",
    "t_question",
    "t_lesson",
    "t_name",
    "t_code",
    "code_options",
    "code_commands",
    "code_config",
    "continuity",
    "goal_phrases",
    "explain_phrases",
    "ref_phrases",
    *_INTRO,
    "step_verbs",
    "item_definitions",
    "h_steps",
    "plain_paragraphs",
    "comparisons",
    "bullet_verbs",
    "key_values",
    "table_rows",
    "conditionals",
    "declarative",
)
#: The signals also reported as a percentage in ``Features.counts`` (``<name>_pct``).
_PCT = (
    "imperative", "short_sentences", "prose_share", "code_share", "table_share",
    "code_commands", "plain_paragraphs",
)  # fmt: skip


_DOTTED = re.compile(r"\w\.\w")


class _Prose(NamedTuple):
    """What a run of prose contributes to the features (see :func:`_prose_stats`)."""

    #: Counts, in the order of ``_prose_stats``'s return statement.
    numbers: tuple[int, ...]
    #: The words, in order.
    words: list[str]
    #: How many of them are the first three blocks' (the opening's, after its heading).
    opening: int


_N_STATS = 28
#: The word lists counted in every run of prose, in the order ``_prose_stats`` returns them.
_LEXICONS = (_YOU, _WE, _SEQUENCE, _MODAL, _CAUSAL, _HEDGES, _CONCEPT, _REF_WORDS, _COMPARE)
_LEXICON_OF = {
    w: tuple(i for i, lex in enumerate(_LEXICONS) if w in lex)
    for w in frozenset().union(*_LEXICONS)
}
_LEXICON_WORDS = frozenset(_LEXICON_OF)
#: The words whose counts ``_prose_stats`` looks up (for the lexicons and the phrases).
_LOOKED_UP = _LEXICON_WORDS | _ALL_PHRASES.uni_words | _ALL_PHRASES.anchors
#: The same for the opening's phrases.
_INTRO_LOOKED_UP = _INTRO_PHRASES.uni_words | _INTRO_PHRASES.anchors


def _names(text: str) -> str:
    """Join the words of names that read like phrasing (“Let's Encrypt” is no lesson)."""
    if "Encrypt" in text:
        text = text.replace("Let's Encrypt", "LetsEncrypt").replace(
            "Let\u2019s Encrypt", "LetsEncrypt"
        )
    return text


def _intro_counts(segment: _Segment) -> tuple[int, ...]:
    """Count the phrases of every ``_INTRO`` family in the opening of *segment*.

    The opening is the heading and the first three prose blocks of the segment.
    """
    words = _words(_names(segment.heading).lower()) + segment.words[: segment.opening]
    counts = _tally(filter(_INTRO_LOOKED_UP.__contains__, words))
    return tuple(_phrase_counts(words, counts, _INTRO_PHRASES))


def _words(low: str) -> list[str]:
    """Split lower-case *low* into words: runs of letters, apostrophes and hyphens.

    Characters beyond ASCII count as letters unless they are white space.
    """
    return _utf8(low).translate(_TO_WORDS).decode("utf-8", "surrogatepass").split()  # see _TO_WORDS


def _utf8(text: str) -> bytes:
    """Return the UTF-8 bytes of *text* (lone surrogates too: any ``str`` can be read)."""
    return text.encode("utf-8", "surrogatepass")


def _tally(items: Iterable[_T]) -> dict[_T, int]:
    """Count *items* (a ``Counter`` without its per-call overhead)."""
    out: dict[_T, int] = {}
    _count_elements(out, items)
    return out


def _prose_stats(prose: list[str]) -> _Prose:
    """Count the signals of a run of prose: its blocks, joined by newlines (a sentence a line).

    The words of the first three blocks (the opening's) are split apart from the others, so
    ``_Prose.opening`` can say how many they are.
    """
    head = _names("\n".join(prose[:3]))
    low = head.lower()
    words = _words(low)
    opening = len(words)
    if len(prose) > 3:  # noqa: PLR2004 - the opening's three
        rest = _names("\n".join(prose[3:]))
        rest_low = rest.lower()
        words += _words(rest_low)
        text = f"{head}\n{rest}"
        low = f"{low}\n{rest_low}"  # as text.lower(): no word goes across the newline
    else:
        text = head
    counts = _tally(filter(_LOOKED_UP.__contains__, words))  # the words counted below only
    # sentences of the lower-case text (lowering changes no sentence end)
    lines = low.replace("?", ".\n").replace("!", ".\n").replace(". ", ".\n").splitlines()
    sentences = [x for x in map(str.lstrip, lines, itertools.repeat(_LEAD)) if x]
    starts = _tally([x.split(" ", 1)[0].rstrip(":,;.") for x in sentences])
    imperative = sum(map(starts.__getitem__, _VERBS.intersection(starts)))
    if "-" in text:  # hyphenated verbs ("set-up"): the sentence starts come from the text
        imperative += sum(starts[w] for w in starts if "-" in w and _is_verb(w))
    third = sum(map(starts.__getitem__, _THIRD.intersection(starts)))
    to_verb = starts.get("to", 0)
    # under 8 words: fewer than 7 spaces
    short = sum(map(_SHORT.__gt__, map(str.count, sentences, itertools.repeat(" "))))

    lex = [0] * len(_LEXICONS)
    for w in _LEXICON_WORDS.intersection(counts):
        n = counts[w]
        for i in _LEXICON_OF[w]:
            lex[i] += n
    phrases = _phrase_counts(words, counts)
    return _Prose(
        (
            len(words),
            *lex[:8],
            low.count("let's") + low.count("let us"),
            *phrases,
            len(sentences),
            imperative,
            third,
            to_verb,
            short,
            text.count("`") // 2,
            text.count("(") - text.count(" (") - text.count("((") - (text[:1] == "("),
            text.count("--"),
            sum(map(text.count, _DIGITS)),
            lex[8],
            starts.get("if", 0),
            sum(map(starts.__getitem__, _DECLARATIVE.intersection(starts))),
        ),
        words,
        opening,
    )
