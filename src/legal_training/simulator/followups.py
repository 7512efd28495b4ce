"""Follow-up requests the simulated model answers: repairs of its own samples, and judging.

A fixable defect (``fixable_rate``) breaks exactly one property of a good sample in a way a short
follow-up can mend: a misspelt section heading, one reasoning step short, reasoning a little
under its floor, an empty citation list, or one missing comma in the JSON. A repair request
(marked ``REPAIR REQUEST``, with its ``FAILURES (JSON):`` line) is answered with only the keys
asked for, unless ``repair_fail_rate`` says this repair fixes nothing. A judge request (marked
``JUDGE REQUEST``) gets ``judge_score`` for every criterion, or 1 for a share
``judge_low_rate`` of samples.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from legal_training.catalog import Catalog
from legal_training.simulator.config import SimulatorConfig

REPAIR_MARKER = "REPAIR REQUEST"
JUDGE_MARKER = "JUDGE REQUEST"
DEFECTS = ("misspelt_heading", "step_short", "reasoning_short", "citation_omitted", "json_comma")
FILLER = (
    "The court would weigh the commercial context, the conduct of the parties and the purpose "
    "of the rule before deciding the point."
)
_STEP_LINE = re.compile(r"^Step (\d+): ", re.MULTILINE)


def is_repair(prompt: str) -> bool:
    return prompt.lstrip().startswith(REPAIR_MARKER)


def is_judge(prompt: str) -> bool:
    return prompt.lstrip().startswith(JUDGE_MARKER)


def pick_defect(rng: random.Random, sample: dict[str, Any]) -> str:
    """One defect that applies to this sample (a one-step reasoning cannot lose a step)."""
    choices = list(DEFECTS)
    if len(_STEP_LINE.findall(str(sample.get("reasoning") or ""))) < 2:
        choices.remove("step_short")
    return rng.choice(choices)


def apply_defect(
    rng: random.Random, sample: dict[str, Any], defect: str, catalog: Catalog
) -> dict[str, Any]:
    """The sample with ``defect`` (the JSON comma is dropped later, by :func:`drop_comma`)."""
    out = dict(sample)
    difficulty = catalog.difficulty(str(sample.get("difficulty") or "intermediate"))
    reasoning = str(out.get("reasoning") or "")
    if defect == "misspelt_heading":
        kind = catalog.sample_type(str(sample.get("sample_type") or "case_analysis"))
        name = rng.choice(kind.sections).upper()
        wrong = name[0] + name[2:] if len(name) > 4 else name + name[-1]
        out["answer"] = re.sub(
            r"^" + re.escape(name) + ":", wrong + ":", str(out["answer"]), count=1, flags=re.M
        )
    elif defect == "step_short":
        lines = reasoning.split("\n")
        steps = [i for i, line in enumerate(lines) if _STEP_LINE.match(line)]
        keep = difficulty.min_steps - 1
        drop = steps[1 : 1 + max(0, len(steps) - keep)] if keep >= 1 else []
        lines = [line for i, line in enumerate(lines) if i not in drop]
        numbered = iter(range(1, 1000))
        text = _STEP_LINE.sub(lambda _m: f"Step {next(numbered)}: ", "\n".join(lines))
        while len(text) < difficulty.min_reasoning_chars:
            text += " " + FILLER
        out["reasoning"] = text
    elif defect == "reasoning_short":
        target = int(difficulty.min_reasoning_chars * 0.85)
        lines = reasoning.split("\n")
        while len("\n".join(lines)) > target:
            longest = max(range(len(lines)), key=lambda i: len(lines[i]))
            words = lines[longest].split(" ")
            if len(words) <= 4:
                break
            lines[longest] = " ".join(words[:-1])
        out["reasoning"] = "\n".join(lines)
    elif defect == "citation_omitted":
        out["case_citation"] = ""
    return out


def drop_comma(content: str) -> str:
    """One missing comma between two keys: JSON in every other respect."""
    return re.sub(r'",\n(\s*)"reasoning', r'"\n\1"reasoning', content, count=1)


def repair_reply(rng: random.Random, prompt: str, config: SimulatorConfig) -> str:
    """Answer a repair request with exactly the keys it asks for."""
    if config.repair_fail_rate and rng.random() < config.repair_fail_rate:
        return json.dumps({"note": "nothing to change"})
    faults = _json_after(prompt, "FAILURES (JSON):") or {}
    fields = _json_block(prompt, "SAMPLE (JSON):") or {}
    reply: dict[str, Any] = {}
    if "json" in faults:
        raw = prompt.split("REPLY (not valid JSON):", 1)[-1].strip()
        fixed = re.sub(r'"\n(\s*)"', r'",\n\1"', raw)
        try:
            return json.dumps(json.loads(fixed), ensure_ascii=False)
        except json.JSONDecodeError:
            return fixed
    if "sections" in faults:
        misspelt = list(faults["sections"].get("misspelt") or [])
        missing = list(faults["sections"].get("missing") or [])
        headings: dict[str, str] = {}
        for written in misspelt:
            for name in missing:
                if name not in headings.values() and written[:1].lower() == name[:1].lower():
                    headings[written] = name
                    break
        reply["headings"] = headings
        left = [n for n in missing if n not in headings.values()]
        if left:
            reply["sections"] = {
                n: "This part applies the governing principles to the facts stated above, "
                "weighing each side's position before reaching a view."
                for n in left
            }
    if "steps" in faults:
        need = int(faults["steps"]["need"]) - int(faults["steps"]["have"])
        reply["steps"] = [
            "Consider how the authorities apply to the disputed facts and what follows."
        ] * need
    if "reasoning_length" in faults:
        short = int(faults["reasoning_length"]["need"]) - int(faults["reasoning_length"]["chars"])
        text = ""
        while len(text) < short + 40:
            text += " " + FILLER
        reply["reasoning_addition"] = text.strip()
    if "case_citation" in faults:
        reply["case_citation"] = "; ".join(faults["case_citation"].get("authorities") or [])
    del fields
    return json.dumps(reply, ensure_ascii=False)


def judge_reply(rng: random.Random, prompt: str, config: SimulatorConfig) -> str:
    """Scores for every criterion the request lists (``CRITERIA (JSON):``)."""
    criteria = _json_after(prompt, "CRITERIA (JSON):") or ["overall"]
    low = config.judge_low_rate > 0 and rng.random() < config.judge_low_rate
    score = 1 if low else config.judge_score
    return json.dumps(
        {
            "scores": {str(name): score for name in criteria},
            "rationale": "Weak analysis." if low else "Sound statement and application of law.",
        }
    )


def _json_after(prompt: str, label: str) -> Any:
    for line in prompt.splitlines():
        if line.startswith(label):
            try:
                return json.loads(line[len(label) :].strip())
            except json.JSONDecodeError:
                return None
    return None


def _json_block(prompt: str, label: str) -> Any:
    if label not in prompt:
        return None
    try:
        return json.loads(prompt.split(label, 1)[1].strip())
    except json.JSONDecodeError:
        return None
