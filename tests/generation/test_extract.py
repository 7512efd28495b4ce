"""Extraction over the kinds of output real models produce, each with the result we expect."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from legal_training.generation.extract import ERROR_CODES, extract_json_object

SAMPLE: dict[str, Any] = {
    "question": "Can Ada enforce the oral promise to sell her the flat?",
    "answer": "ISSUE: whether an oral contract for land is enforceable. RULE: s 2 LP(MP)A 1989.",
    "topic": "Contract Law - Formation of Contracts",
    "difficulty": "basic",
    "case_citation": "Law of Property (Miscellaneous Provisions) Act 1989, s 2",
    "reasoning": "Step 1: identify the contract. Step 2: apply s 2.",
    "sample_type": "case_analysis",
}
DOC = json.dumps(SAMPLE)
PRETTY = json.dumps(SAMPLE, indent=2)
WITH_BRACES = {**SAMPLE, "answer": 'Use {braces} and } and { and "quotes" and ```json fences```'}
WITH_BRACES_DOC = json.dumps(WITH_BRACES)
NESTED = {**SAMPLE, "meta": {"source": {"kind": "model", "tags": ["a", "b"]}}}


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    error: str | None = None
    data: dict[str, Any] | None = None
    repaired: bool = False
    thinking: str | None = None
    finish_reason: str | None = None
    reasoning_content: str | None = None


CASES: list[Case] = [
    Case("plain object", DOC, data=SAMPLE),
    Case("pretty printed", PRETTY, data=SAMPLE),
    Case("surrounding whitespace", f"\n\n  {PRETTY}  \n", data=SAMPLE),
    Case("json fence", f"```json\n{PRETTY}\n```", data=SAMPLE),
    Case("bare fence", f"```\n{PRETTY}\n```", data=SAMPLE),
    Case("unclosed fence", f"```json\n{PRETTY}\n", data=SAMPLE),
    Case("prose before", f"Here is the sample you asked for:\n{DOC}", data=SAMPLE),
    Case(
        "prose after", f"{DOC}\n\nLet me know if you need anything else {{or}} more.", data=SAMPLE
    ),
    Case(
        "prose around a fence",
        f"Sure! Below is the JSON.\n```json\n{PRETTY}\n```\nI hope this helps.",
        data=SAMPLE,
    ),
    Case(
        "think block",
        f"<think>I should cite {{s 2}}.</think>\n{DOC}",
        data=SAMPLE,
        thinking="I should cite {s 2}.",
    ),
    Case(
        "thinking block",
        f'<thinking>plan: {{"question": "draft"}}</thinking>{DOC}',
        data=SAMPLE,
        thinking='plan: {"question": "draft"}',
    ),
    Case("upper-case think tags", f"<THINK>hmm</THINK>{DOC}", data=SAMPLE, thinking="hmm"),
    Case(
        "two think blocks",
        f"<think>a</think> {DOC} <think>b</think>",
        data=SAMPLE,
        thinking="a\n\nb",
    ),
    Case(
        "orphan closer",
        f"reasoning without opener {{draft}}</think>\n{DOC}",
        data=SAMPLE,
        thinking="reasoning without opener {draft}",
    ),
    Case(
        "unclosed opener after answer",
        f"{DOC}\n<think>second thoughts {{",
        data=SAMPLE,
        thinking="second thoughts {",
    ),
    Case(
        "only an unclosed think block",
        '<think>still reasoning about {"question": 1',
        error="empty",
        thinking='still reasoning about {"question": 1',
    ),
    Case("braces and fences inside strings", f"```json\n{WITH_BRACES_DOC}\n```", data=WITH_BRACES),
    Case("braces in strings with prose", f"Answer: {WITH_BRACES_DOC} -- end }}", data=WITH_BRACES),
    Case("nested objects", json.dumps(NESTED), data=NESTED),
    Case("small object before the answer", f'Config: {{"temperature": 0.7}}\n{DOC}', data=SAMPLE),
    Case(
        "two answers: first wins on a tie",
        f"{DOC}\n{json.dumps({**SAMPLE, 'question': 'B?'})}",
        data=SAMPLE,
    ),
    Case(
        "partial draft then full answer", f'Draft: {{"question": "Q?"}}\nFinal: {DOC}', data=SAMPLE
    ),
    Case("trailing comma", PRETTY[:-2] + ",\n}", data=SAMPLE, repaired=True),
    Case(
        "trailing comma in nested array",
        '{"question": "q", "answer": "a", "tags": ["x", "y",],}',
        data={"question": "q", "answer": "a", "tags": ["x", "y"]},
        repaired=True,
    ),
    Case(
        "smart quotes around keys",
        '{“question”: "q", “answer”: "a"}',
        data={"question": "q", "answer": "a"},
        repaired=True,
    ),
    Case(
        "raw newline inside a string",
        '{"question": "line one\nline two", "answer": "a"}',
        data={"question": "line one\nline two", "answer": "a"},
        repaired=True,
    ),
    Case(
        "missing final brace",
        '{"question": "q", "answer": "a"',
        data={"question": "q", "answer": "a"},
        repaired=True,
    ),
    Case(
        "missing final brace in a fence",
        '```json\n{"question": "q", "answer": "a"\n```',
        data={"question": "q", "answer": "a"},
        repaired=True,
    ),
    Case(
        "cut inside a string is not repaired",
        '{"question": "q", "answer": "the court held',
        error="invalid_json",
    ),
    Case("truncated by the token limit", DOC, error="truncated", finish_reason="length"),
    Case("truncated and unparseable", DOC[:40], error="truncated", finish_reason="length"),
    Case("truncated (anthropic-style reason)", DOC, error="truncated", finish_reason="max_tokens"),
    Case("finish reason stop is fine", DOC, data=SAMPLE, finish_reason="stop"),
    Case(
        "reasoning returned separately",
        DOC,
        data=SAMPLE,
        thinking="I weighed s 2.",
        reasoning_content="  I weighed s 2.  ",
    ),
    Case(
        "separate reasoning plus think block",
        f"<think>inline</think>{DOC}",
        data=SAMPLE,
        thinking="separate\n\ninline",
        reasoning_content="separate",
    ),
    Case("empty string", "", error="empty"),
    Case("whitespace only", "   \n\t ", error="empty"),
    Case(
        "only a think block",
        "<think>I could not decide.</think>",
        error="empty",
        thinking="I could not decide.",
    ),
    Case("prose only", "I'm sorry, I cannot help with that request.", error="no_json"),
    Case("array at top level", json.dumps([SAMPLE]), error="not_object"),
    Case("array in a fence", f"```json\n{json.dumps([SAMPLE, SAMPLE])}\n```", error="not_object"),
    Case("number at top level", "42", error="not_object"),
    Case("string at top level", '"just a string"', error="not_object"),
    Case("null in a fence", "```json\nnull\n```", error="not_object"),
    Case("hopeless json", '{"question": q, answer: [}', error="invalid_json"),
    Case(
        "citation brackets in prose are not arrays",
        "See [2017] UKSC 5 for the rule.",
        error="no_json",
    ),
    Case(
        "wrong field types are kept for the checks",
        '{"question": "q", "answer": ["a", "b"], "reasoning": 3}',
        data={"question": "q", "answer": ["a", "b"], "reasoning": 3},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_extraction(case: Case) -> None:
    result = extract_json_object(
        case.text, finish_reason=case.finish_reason, reasoning_content=case.reasoning_content
    )
    assert result.error == case.error, result.error_detail
    assert result.data == case.data
    assert result.repaired is case.repaired
    assert result.thinking == case.thinking
    assert result.raw == case.text
    assert result.ok is (case.error is None)
    if case.error is not None:
        assert case.error in ERROR_CODES
        assert result.error_detail


def test_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


def test_repairs_are_named_in_warnings() -> None:
    result = extract_json_object('{"question": "q", "answer": "a",}')
    assert result.repaired
    assert any("trailing comma" in w for w in result.warnings)


def test_wrong_types_are_reported_not_coerced() -> None:
    result = extract_json_object('{"question": "q", "reasoning": ["Step 1: x"]}')
    assert result.data == {"question": "q", "reasoning": ["Step 1: x"]}
    assert any("'reasoning' is list" in w for w in result.warnings)


def test_several_objects_are_noted() -> None:
    result = extract_json_object(f'{{"x": 1}} {DOC}')
    assert result.data == SAMPLE
    assert any("2 JSON objects" in w for w in result.warnings)


def test_invalid_json_detail_locates_the_error() -> None:
    result = extract_json_object('{"question": "q" "answer": "a"}')
    assert result.error == "invalid_json"
    assert result.error_detail is not None and "line 1" in result.error_detail


def test_none_text_is_empty() -> None:
    assert extract_json_object(None).error == "empty"


def test_truncated_keeps_raw_and_thinking() -> None:
    text = f"<think>plan</think>{DOC}"
    result = extract_json_object(text, finish_reason="length")
    assert result.error == "truncated"
    assert result.data is None
    assert result.raw == text
    assert result.thinking == "plan"
