"""Each structural check with passing and failing inputs and the reason it gives."""

from __future__ import annotations

from typing import Any

import pytest

from legal_training.catalog import get_catalog
from legal_training.generation.checks import (
    GATE_CHECK_NAMES,
    STRUCTURE_CHECK_NAMES,
    CheckResult,
    check_answer_words,
    check_not_truncated,
    check_reasoning_length,
    check_reasoning_steps,
    check_required_fields,
    check_sections,
    count_words,
    find_reasoning_steps,
    run_structure_checks,
)

CATALOG = get_catalog()


def _sample(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question": "Q?",
        "answer": "A.",
        "topic": "Contract Law - Formation of Contracts",
        "difficulty": "basic",
        "case_citation": "Carlill v Carbolic Smoke Ball Co [1893] 1 QB 256",
        "reasoning": "Step 1: x",
    }
    base.update(overrides)
    return base


def _words(n: int) -> str:
    return " ".join(f"word{i}" for i in range(n))


def _steps(n: int, template: str = "Step {n}: reasoning about the point.") -> str:
    return "\n".join(template.format(n=i) for i in range(1, n + 1))


def test_names() -> None:
    assert STRUCTURE_CHECK_NAMES == (
        "not_truncated",
        "required_fields",
        "answer_words",
        "reasoning_steps",
        "reasoning_length",
        "sections",
    )
    assert GATE_CHECK_NAMES[: len(STRUCTURE_CHECK_NAMES)] == STRUCTURE_CHECK_NAMES
    assert set(GATE_CHECK_NAMES) - set(STRUCTURE_CHECK_NAMES) == {
        "citations",
        "citation_plausibility",
        "citation_jurisdiction",
        "citation_verification",
        "duplicate",
    }
    assert len(set(GATE_CHECK_NAMES)) == len(GATE_CHECK_NAMES)


# -- required fields ---------------------------------------------------------------------------


def test_required_fields_pass_without_id_or_sample_type() -> None:
    result = check_required_fields(_sample())
    assert result == CheckResult(
        "required_fields", True, None, {"missing": [], "empty": [], "wrong_type": {}}
    )


@pytest.mark.parametrize(
    ("data", "reason", "detail_key", "detail"),
    [
        (
            {k: v for k, v in _sample().items() if k != "question"},
            "missing question",
            "missing",
            ["question"],
        ),
        (_sample(case_citation=None), "missing case_citation", "missing", ["case_citation"]),
        (_sample(answer="  \n "), "empty answer", "empty", ["answer"]),
        (_sample(reasoning=""), "empty reasoning", "empty", ["reasoning"]),
        (
            _sample(reasoning=["Step 1: a"]),
            "wrong type reasoning (list, expected string)",
            "wrong_type",
            {"reasoning": "list"},
        ),
        (
            _sample(question=3),
            "wrong type question (int, expected string)",
            "wrong_type",
            {"question": "int"},
        ),
    ],
)
def test_required_fields_fail(
    data: dict[str, Any], reason: str, detail_key: str, detail: object
) -> None:
    result = check_required_fields(data)
    assert result.name == "required_fields"
    assert not result.passed
    assert result.reason == reason
    assert result.details[detail_key] == detail


def test_required_fields_lists_every_problem() -> None:
    data = {"question": "", "answer": 5, "topic": "t", "difficulty": "basic"}
    result = check_required_fields(data)
    assert result.reason == (
        "missing case_citation, reasoning; empty question; wrong type answer (int, expected string)"
    )


@pytest.mark.parametrize(("data", "got"), [(None, "missing"), (["a"], "list")])
def test_required_fields_on_a_non_object(data: Any, got: str) -> None:
    result = check_required_fields(data)
    assert not result.passed
    assert result.reason == f"output is not a JSON object (got {got})"


# -- answer words ------------------------------------------------------------------------------


def test_word_count_uses_word_characters() -> None:
    assert count_words("**ISSUE:** the client's multi-factor test — s 172 (2006).") == 8
    assert count_words("- * # | --- ***") == 0
    assert count_words("one\ttwo\nthree   four") == 4


@pytest.mark.parametrize("difficulty", CATALOG.difficulty_ids())
def test_answer_words_at_the_minimum_passes(difficulty: str) -> None:
    minimum = CATALOG.difficulty(difficulty).min_words
    result = check_answer_words(_words(minimum), difficulty)
    assert result.passed and result.reason is None
    assert result.details == {"words": minimum, "min_words": minimum}


@pytest.mark.parametrize("difficulty", CATALOG.difficulty_ids())
def test_answer_words_one_short_fails(difficulty: str) -> None:
    minimum = CATALOG.difficulty(difficulty).min_words
    result = check_answer_words(_words(minimum - 1), difficulty)
    assert not result.passed
    assert result.reason == (
        f"answer has {minimum - 1} words; {difficulty} requires at least {minimum}"
    )


def test_markdown_does_not_pad_the_word_count() -> None:
    padded = " ** -- ## ".join(["word"] * 249)
    assert not check_answer_words(padded, "basic").passed


def test_answer_words_accepts_a_difficulty_object_and_alias() -> None:
    assert check_answer_words(_words(250), CATALOG.difficulty("basic")).passed
    assert check_answer_words(_words(250), "foundational").passed


def test_answer_words_wrong_type() -> None:
    result = check_answer_words(["a"] * 500, "basic")
    assert not result.passed
    assert result.reason == "answer is not a string (got list)"


# -- reasoning steps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "Step {n}: x",
        "**Step {n}:** x",
        "**Step {n}**: x",
        "Step {n} - x",
        "STEP {n} — x",
        "step {n}) x",
        "- Step {n}. x",
        "### Step {n}: x",
    ],
)
def test_step_forms(template: str) -> None:
    assert find_reasoning_steps(_steps(4, template)) == [1, 2, 3, 4]


def test_steps_inline_on_one_line() -> None:
    assert find_reasoning_steps("Step 1: a. Step 2: b. Step 3: c.") == [1, 2, 3]


def test_mentions_are_not_steps() -> None:
    assert find_reasoning_steps("In step 2, as noted; steps 3.5 apply; Stepwise 4: no") == []


def test_repeated_numbers_count_once() -> None:
    text = "Step 1: a\nStep 1: b\nStep 2: c\nStep 2: d"
    result = check_reasoning_steps(text, "basic")
    assert result.details["steps"] == 2
    assert result.details["numbers"] == [1, 2]
    assert not result.passed


@pytest.mark.parametrize("difficulty", CATALOG.difficulty_ids())
def test_reasoning_steps_lower_bound(difficulty: str) -> None:
    spec = CATALOG.difficulty(difficulty)
    ok = check_reasoning_steps(_steps(spec.min_steps), difficulty)
    assert ok.passed and ok.details["steps"] == spec.min_steps
    short = check_reasoning_steps(_steps(spec.min_steps - 1), difficulty)
    assert not short.passed
    assert short.reason == (
        f"reasoning has {spec.min_steps - 1} 'Step N:' steps; "
        f"{difficulty} requires at least {spec.min_steps}"
    )


def test_too_many_steps_is_a_warning_not_a_failure() -> None:
    result = check_reasoning_steps(_steps(8), "basic")  # max 5, warn above 7
    assert result.passed
    assert result.details["warning"] == "8 steps; the prompt asks for at most 5"
    assert "warning" not in check_reasoning_steps(_steps(7), "basic").details


def test_reasoning_steps_wrong_type() -> None:
    result = check_reasoning_steps(None, "basic")
    assert not result.passed
    assert result.reason == "reasoning is not a string (got missing)"


# -- reasoning length --------------------------------------------------------------------------


@pytest.mark.parametrize("difficulty", CATALOG.difficulty_ids())
def test_reasoning_length(difficulty: str) -> None:
    minimum = CATALOG.difficulty(difficulty).min_reasoning_chars
    assert check_reasoning_length("x" * minimum, difficulty).passed
    short = check_reasoning_length("  " + "x" * (minimum - 1) + "\n\n", difficulty)
    assert not short.passed
    assert short.reason == (
        f"reasoning has {minimum - 1} characters; {difficulty} requires at least {minimum}"
    )
    assert short.details == {"chars": minimum - 1, "min_reasoning_chars": minimum}


def test_reasoning_length_wrong_type() -> None:
    assert check_reasoning_length(42, "basic").reason == "reasoning is not a string (got int)"


# -- sections ----------------------------------------------------------------------------------

IRAC = ("Issue", "Rule", "Application", "Conclusion")


@pytest.mark.parametrize(
    "form",
    [
        "{upper}: text",
        "{title}: text",
        "**{title}**\ntext",
        "**{title}:** text",
        "**{upper}**: text",
        "## {title}",
        "### 1. {title}",
        "1. {upper}",
        "2) {title}: text",
        "  {upper} - text",
        "> **{title}**",
        "- **{title}:** text",
        "__{title}__",
    ],
)
def test_heading_forms(form: str) -> None:
    answer = "\n\n".join(form.format(upper=s.upper(), title=s) for s in IRAC)
    result = check_sections(answer, "case_analysis")
    assert result.passed, result.details
    assert result.details["missing"] == []


def test_multi_word_headings() -> None:
    kind = CATALOG.sample_type("statutory_interpretation")
    answer = "\n".join(f"**{s}**: text" for s in kind.sections)
    assert check_sections(answer.replace("Statutory Text", "STATUTORY  TEXT"), kind).passed


@pytest.mark.parametrize(
    "answer",
    [
        "The issue is whether...\nThe rule: ...\nApplication of the rule...\nIn conclusion...",
        "ISSUE RULE APPLICATION CONCLUSION all on one line: ...",
        "Intro. ISSUE: a. RULE: b. APPLICATION: c. CONCLUSION: d.",
        "Issues of law arise\nRuler: x\nApplications of it\nConclusions follow",
    ],
)
def test_mentions_are_not_headings(answer: str) -> None:
    result = check_sections(answer, "case_analysis")
    assert not result.passed
    assert result.details["missing"] == list(IRAC)


def test_missing_sections_are_named() -> None:
    answer = "ISSUE: a\nRULE: b\nAPPLICATION: c"
    result = check_sections(answer, "case_analysis")
    assert not result.passed
    assert result.reason == "answer is missing the IRAC section heading(s) CONCLUSION:"
    assert result.details["found"] == ["Issue", "Rule", "Application"]
    assert result.details["missing"] == ["Conclusion"]


def test_every_sample_type_is_checked_against_its_own_sections() -> None:
    for kind in CATALOG.sample_types:
        answer = "\n".join(f"{s.upper()}: text" for s in kind.sections)
        assert check_sections(answer, kind.id).passed
        others = [k for k in CATALOG.sample_types if set(k.sections) - set(kind.sections)]
        for other in others:
            assert not check_sections(answer, other).passed


def test_section_order_is_reported_not_enforced() -> None:
    answer = "CONCLUSION: d\nAPPLICATION: c\nRULE: b\nISSUE: a"
    result = check_sections(answer, "case_analysis")
    assert result.passed
    assert result.details["in_order"] is False
    assert (
        check_sections("ISSUE: a\nRULE: b\nAPPLICATION: c\nCONCLUSION: d", "case_analysis").details[
            "in_order"
        ]
        is True
    )


def test_sections_wrong_type() -> None:
    result = check_sections({"ISSUE": "a"}, "case_analysis")
    assert not result.passed
    assert result.reason == "answer is not a string (got dict)"


# -- truncation --------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "stop", "STOP", "end_turn", "tool_calls"])
def test_not_truncated_passes(reason: str | None) -> None:
    result = check_not_truncated(reason)
    assert result.passed
    assert result.details == {"finish_reason": reason}


@pytest.mark.parametrize("reason", ["length", "LENGTH", "max_tokens"])
def test_truncated_fails(reason: str) -> None:
    result = check_not_truncated(reason)
    assert not result.passed
    assert result.reason == f"output was cut off by the token limit (finish_reason={reason!r})"


# -- all together ------------------------------------------------------------------------------


def _good_sample() -> dict[str, Any]:
    answer = "\n\n".join(f"{s.upper()}: {_words(90)}" for s in IRAC)
    reasoning = _steps(5, "Step {n}: " + "careful analysis of the point " * 3)
    return _sample(answer=answer, reasoning=reasoning, difficulty="intermediate")


def test_run_structure_checks_passes_a_good_sample() -> None:
    results = run_structure_checks(
        _good_sample(), difficulty="intermediate", sample_type="case_analysis", finish_reason="stop"
    )
    assert tuple(r.name for r in results) == STRUCTURE_CHECK_NAMES
    assert all(r.passed for r in results), [r.reason for r in results if not r.passed]


def test_run_structure_checks_reports_every_failure() -> None:
    data = _good_sample()
    data["reasoning"] = "Step 1: short"
    results = run_structure_checks(
        data, difficulty="expert", sample_type="educational", finish_reason="length"
    )
    failed = {r.name for r in results if not r.passed}
    assert failed == {
        "not_truncated",
        "answer_words",
        "reasoning_steps",
        "reasoning_length",
        "sections",
    }


def test_run_structure_checks_on_no_data() -> None:
    results = run_structure_checks(None, difficulty="basic", sample_type="case_analysis")
    assert [r.passed for r in results] == [True, False, False, False, False, False]
