"""Pull the one JSON object we asked for out of whatever text a model returned.

Models wrap their answer in ``<think>`` blocks, code fences and chatty prose, put braces and fence
markers inside string values, and sometimes emit several objects. Brace counting breaks on every
one of those, so a real JSON decoder (:meth:`json.JSONDecoder.raw_decode`) is started at every
``{`` outside an already decoded value, and strings are always read the way JSON reads them.

Selection rule when several objects decode: the object with the most keys from
:data:`EXPECTED_KEYS` wins; ties go to the earliest. That picks the answer over a small
``{"note": 1}`` in the preamble, and the first of two complete answers.

Repair (trailing commas, smart quotes around keys and simple values, raw newlines inside strings,
missing closing braces) runs only when nothing decodes as-is, and the result is flagged with
``repaired=True`` so that the gate can decide whether to trust it.

``finish_reason == "length"`` is always the error ``"truncated"``: text cut by the token limit can
still parse (a model may close its JSON early) but it is not the sample the model meant to write.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "ERROR_CODES",
    "EXPECTED_KEYS",
    "KEY_ALIASES",
    "Extraction",
    "extract_json_object",
]

EXPECTED_KEYS: Final[frozenset[str]] = frozenset(
    {"id", "question", "answer", "topic", "difficulty", "case_citation", "reasoning", "sample_type"}
)

ERROR_CODES: Final[tuple[str, ...]] = (
    "truncated",
    "empty",
    "no_json",
    "invalid_json",
    "not_object",
)

TRUNCATION_FINISH_REASONS: Final[frozenset[str]] = frozenset({"length", "max_tokens"})

_THINK_PAIR = re.compile(r"<(think|thinking)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"<(?:think|thinking)\b[^>]*>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(?:think|thinking)\s*>", re.IGNORECASE)
_FENCE_LINE = re.compile(r"^[ \t]*```[\w+-]*[ \t]*$", re.MULTILINE)

_SMART_KEY = re.compile(r"([{,]\s*)[“”„‟]([^“”„‟\"\\\n]{1,80})[“”„‟](\s*:)")
_SMART_VALUE = re.compile(r"(:\s*)[“”„‟]([^“”„‟\"\\\n]*)[“”„‟](\s*[,}\]])")

_DECODER: Final = json.JSONDecoder()
# Each repair attempt walks the rest of the text; bounding the starts keeps a pathological output
# (thousands of stray braces) linear rather than quadratic.
_MAX_REPAIR_STARTS: Final = 8
# Where a repairable object can start: a brace followed by a key or by the closing brace.
_OPENERS = re.compile(r"[{\[]")
_PLAUSIBLE_START = re.compile(r"\{\s*[\"}]|\[\s*[-\d\"{\[\]tfn]")
_OBJECT_START = re.compile(r"\{(?=\s*[\"}])")


@dataclass(frozen=True)
class Extraction:
    """Outcome of one extraction; ``raw`` is kept so that a rejection can be inspected later.

    ``error`` is one of :data:`ERROR_CODES` or ``None``; ``data`` is set only when ``error`` is
    ``None``. ``warnings`` notes what the caller may want to surface: repairs applied, fields with
    an unexpected JSON type (left for the checks to reject), several candidate objects.
    """

    data: dict[str, Any] | None
    error: str | None
    error_detail: str | None
    repaired: bool
    thinking: str | None
    raw: str
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.data is not None


def extract_json_object(
    text: str | None,
    *,
    finish_reason: str | None = None,
    reasoning_content: str | None = None,
) -> Extraction:
    """Return the answer object in ``text`` or a stable error code explaining why there is none.

    ``reasoning_content`` is the separate reasoning field some providers return; it is only
    recorded in ``thinking`` (never searched for the answer) so reasoning drafts cannot be mistaken
    for the final output.
    """
    raw = text or ""
    visible, think_parts = _strip_thinking(raw)
    if reasoning_content and reasoning_content.strip():
        think_parts.insert(0, reasoning_content.strip())
    thinking = "\n\n".join(think_parts) if think_parts else None

    def fail(code: str, detail: str | None, warnings: tuple[str, ...] = ()) -> Extraction:
        return Extraction(None, code, detail, False, thinking, raw, warnings)

    if finish_reason is not None and finish_reason.lower() in TRUNCATION_FINISH_REASONS:
        return fail(
            "truncated", f"generation stopped by the token limit (finish_reason={finish_reason!r})"
        )
    if not visible.strip():
        detail = "output held only reasoning blocks" if thinking else "output was empty"
        return fail("empty", detail)

    objects, others, first_error = _scan(visible)
    warnings: list[str] = []
    objects = [_normalise_keys(obj, warnings) for obj in objects]
    best = _best(objects)
    if len(objects) > 1:
        warnings.append(f"{len(objects)} JSON objects found; kept the one with most expected keys")

    if best is None or not (EXPECTED_KEYS & best.keys()):
        repaired = _repair(visible, objects)
        if repaired is not None and (best is None or EXPECTED_KEYS & repaired[0].keys()):
            data, fixes = repaired
            data = _normalise_keys(data, warnings)
            warnings.append("repaired: " + ", ".join(fixes))
            warnings.extend(_type_warnings(data))
            return Extraction(data, None, None, True, thinking, raw, tuple(warnings))

    if best is not None:
        warnings.extend(_type_warnings(best))
        return Extraction(best, None, None, False, thinking, raw, tuple(warnings))

    parsed, whole = _whole_value(visible)
    if parsed:
        kind = "null" if whole is None else type(whole).__name__
        return fail("not_object", f"top-level JSON value is a {kind}, expected an object")
    wrapped = [value for value in others if any(isinstance(item, dict) for item in value)]
    if wrapped:
        return fail("not_object", "the objects are wrapped in a JSON array, expected one object")
    if first_error is not None:
        return fail("invalid_json", first_error)
    return fail("no_json", "no '{' starting a JSON object was found")


def _strip_thinking(text: str) -> tuple[str, list[str]]:
    """Remove reasoning blocks: pairs, then an orphan closer, then an unclosed opener."""
    parts: list[str] = []

    def keep(match: re.Match[str]) -> str:
        if match.group(2).strip():
            parts.append(match.group(2).strip())
        return ""

    out = _THINK_PAIR.sub(keep, text)
    closers = list(_THINK_CLOSE.finditer(out))
    if closers:
        # A closer without an opener: some providers drop the opening tag, so everything before the
        # last closer is reasoning.
        last = closers[-1]
        before = _THINK_CLOSE.sub("", out[: last.start()]).strip()
        if before:
            parts.append(before)
        out = out[last.end() :]
    opener = _THINK_OPEN.search(out)
    if opener:
        after = out[opener.end() :].strip()
        if after:
            parts.append(after)
        out = out[: opener.start()]
    return out, parts


def _scan(text: str) -> tuple[list[dict[str, Any]], list[Any], str | None]:
    """Decode every top-level JSON value starting at ``{`` or ``[``.

    After a successful decode the scan resumes past that value, so braces inside its strings are
    never seen. Returns decoded objects, other decoded containers (arrays), and the decoder's
    message for the first ``{`` that did not decode.
    """
    objects: list[dict[str, Any]] = []
    others: list[Any] = []
    first_error: str | None = None
    pos = 0
    for opener in _OPENERS.finditer(text):
        start = opener.start()
        if start < pos:
            continue  # inside a value already decoded
        if not _PLAUSIBLE_START.match(text, start) and (text[start] == "[" or first_error):
            # Prose like "{placeholder}" or "[2017] UKSC 5": a failed decode costs O(n) (the
            # decoder counts lines for its message), so skip it once the first error is known.
            continue
        try:
            value, end = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            if first_error is None and text[start] == "{":
                first_error = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
            continue
        if isinstance(value, dict):
            objects.append(value)
        elif isinstance(value, list) and value:
            others.append(value)
        pos = end
    return objects, others, first_error


#: Spellings models use for our keys: other case, spaces or hyphens, plurals and synonyms.
KEY_ALIASES: Final[dict[str, str]] = {
    "case_citations": "case_citation",
    "citation": "case_citation",
    "citations": "case_citation",
    "case_citation_list": "case_citation",
    "authorities": "case_citation",
    "reasoning_steps": "reasoning",
    "reasons": "reasoning",
    "chain_of_thought": "reasoning",
    "questions": "question",
    "answers": "answer",
    "sampletype": "sample_type",
}
_KEY_SEPARATORS = re.compile(r"[\s\-]+")


def _normalise_keys(obj: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """Map a misspelt key ("Case Citations", "reasoning-steps") to ours, unless ours is there
    too; every rename is noted in ``warnings``."""
    renamed: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in obj.items():
        canonical = key
        if key not in EXPECTED_KEYS:
            plain = _KEY_SEPARATORS.sub("_", key.strip().lower())
            canonical = KEY_ALIASES.get(plain, plain)
            if canonical not in EXPECTED_KEYS or canonical in obj:
                canonical = key
        if canonical != key and canonical not in renamed:
            notes.append(f"{key!r}->{canonical!r}")
        renamed.setdefault(canonical, value)
    if notes:
        warnings.append("renamed keys: " + ", ".join(notes))
    return renamed


def _best(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    best: dict[str, Any] | None = None
    best_score = -1
    for obj in objects:
        score = len(EXPECTED_KEYS & obj.keys())
        if score > best_score:
            best, best_score = obj, score
    return best


def _whole_value(text: str) -> tuple[bool, Any]:
    """The visible text (without fences) as one JSON value, to classify scalars like ``42``.

    Returns ``(parsed, value)`` because ``null`` is a legitimate value to report.
    """
    candidate = _FENCE_LINE.sub("", text).strip()
    if not candidate:
        return False, None
    try:
        return True, json.loads(candidate)
    except json.JSONDecodeError:
        return False, None


def _type_warnings(data: dict[str, Any]) -> list[str]:
    return [
        f"field {key!r} is {type(value).__name__}, expected str"
        for key, value in data.items()
        if key in EXPECTED_KEYS and not isinstance(value, str)
    ]


def _repair(text: str, decoded: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]] | None:
    """Last resort: fix the common near-misses in the first ``{`` region that did not decode."""
    candidate = _FENCE_LINE.sub("", text)
    fixes: list[str] = []
    swapped = _SMART_VALUE.sub(r'\1"\2"\3', _SMART_KEY.sub(r'\1"\2"\3', candidate))
    if swapped != candidate:
        fixes.append("smart quotes")
        candidate = swapped
    starts = [m.start() for m in _OBJECT_START.finditer(candidate)][:_MAX_REPAIR_STARTS]
    for start in starts:
        result = _walk_and_fix(candidate, start)
        if result is not None:
            fixed, walk_fixes = result
            try:
                value = json.loads(fixed)
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict) and value not in decoded and (fixes or walk_fixes):
                return value, fixes + walk_fixes
    return None


def _walk_and_fix(text: str, start: int) -> tuple[str, list[str]] | None:
    """Copy one object out of ``text`` while fixing what a string-aware walk can fix.

    Trailing commas are dropped, raw control characters inside strings escaped, and brackets still
    open at the end closed when the text ends on a complete value. Text that ends inside a string
    is not repaired: that is a cut-off answer, not a typo.
    """
    out: list[str] = []
    stack: list[str] = []
    fixes: set[str] = set()
    in_string = False
    escaped = False
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            elif ch in "\n\r\t":
                out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
                fixes.add("raw newline in string")
                i += 1
                continue
            out.append(ch)
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
            out.append(ch)
        elif ch in "}]":
            if not stack or stack[-1] != ch:
                return None
            _drop_trailing_comma(out, fixes)
            stack.pop()
            out.append(ch)
            if not stack:
                return "".join(out), sorted(fixes)
        else:
            out.append(ch)
        i += 1
    if in_string or not stack:
        return None
    tail = "".join(out).rstrip()
    if not tail or tail[-1] not in '"}]0123456789el,':
        return None
    out = [tail]
    _drop_trailing_comma(out, fixes)
    while stack:
        out.append(stack.pop())
    fixes.add("missing closing brace")
    return "".join(out), sorted(fixes)


def _drop_trailing_comma(out: list[str], fixes: set[str]) -> None:
    """Remove a ``,`` (and the whitespace after it) just emitted before a closing bracket."""
    j = len(out) - 1
    while j >= 0 and out[j].isspace():
        j -= 1
    if j >= 0 and out[j].endswith(","):
        out[j] = out[j][:-1]
        fixes.add("trailing comma")
