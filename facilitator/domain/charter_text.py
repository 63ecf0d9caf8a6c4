"""A charter's text and its key rules.

The text is Markdown read by markdown-it-py with its "zero" preset: raw HTML
is escaped (never passed through), links, images, headings and code are
plain text; only paragraphs, line breaks, lists and emphasis are turned on.

Its **key rules** are what the facilitator's printable card shows: the words
in bold at the start of a list item ("- **What is said here stays here.** We
never ..."). A charter that marks none gives its parts' headings instead (a
paragraph all in bold, such as "**Confidentiality**"), as the charters
written before key rules existed do. At most MAX_RULES, each cut to
RULE_MAX characters, so that the card stays one page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("zero", {"html": False, "breaks": True}).enable(
    ["emphasis", "list", "newline"]
)

MAX_RULES = 6
RULE_MAX = 160
_TRAILING = " :\u00a0\u202f"  # "Confidentialité :" is a rule's name, not a sentence


@dataclass(frozen=True)
class KeyRules:
    rules: tuple[str, ...] = ()
    marked: bool = False  # False: the parts' headings, no rule is marked

    def __bool__(self) -> bool:
        return bool(self.rules)


def key_rules(text: str) -> KeyRules:
    """The charter's key rules (see the module's text)."""
    marked: list[str] = []
    headings: list[str] = []
    for in_list, children in _first_lines(MARKDOWN.parse(text or "")):
        bold, whole = _leading_bold(children)
        if bold and in_list:
            marked.append(bold)
        elif bold and whole:
            headings.append(bold)
    found = marked or headings
    return KeyRules(tuple(_short(rule) for rule in found[:MAX_RULES]), bool(marked))


def _first_lines(tokens: Sequence[Token]) -> Iterator[tuple[bool, list[Token]]]:
    """Each list item's first paragraph (True) and each paragraph outside a
    list (False), as inline children."""
    depth = 0  # list items open around the token
    fresh = False  # a list item has opened and its first paragraph not come yet
    for token in tokens:
        if token.type == "list_item_open":
            depth, fresh = depth + 1, True
        elif token.type == "list_item_close":
            depth, fresh = depth - 1, False
        elif token.type == "inline":
            if depth == 0 or fresh:
                yield depth > 0, token.children or []
            fresh = False


def _leading_bold(children: list[Token]) -> tuple[str, bool]:
    """The bold words the line starts with ("" if it does not), and whether
    they are the whole line."""
    parts = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if not parts or parts[0].type != "strong_open":
        return "", False
    words: list[str] = []
    nested = 0
    for number, child in enumerate(parts):
        if child.type == "strong_open":
            nested += 1
        elif child.type == "strong_close":
            nested -= 1
            if nested == 0:
                bold = " ".join("".join(words).split()).rstrip(_TRAILING)
                return bold, number == len(parts) - 1
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        else:
            words.append(child.content)
    return "", False  # never closed: markdown-it leaves no such token


def _short(rule: str) -> str:
    if len(rule) <= RULE_MAX:
        return rule
    cut = rule[: RULE_MAX - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.\u00a0\u202f") + "…"
