"""What the simulated model writes: a legal sample that meets the catalog spec it was asked for.

The request's last user message is read for the task-block lines ``Topic:``, ``Jurisdiction:``,
``Difficulty:`` and ``Sample type:``; the answer then satisfies that difficulty and type exactly as
our quality gate checks it (word floor + 15%, upper-case section headings at the start of lines,
``Step N:`` reasoning within the step range and character floor, enough distinct real authorities
of the right jurisdiction, each also cited in the answer). Quality faults deliberately break one
of those properties so the gate can be tested against them.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass
from typing import Any

from legal_training.catalog import (
    Catalog,
    CatalogError,
    Difficulty,
    Jurisdiction,
    SampleType,
    Topic,
)
from legal_training.simulator import phrases as P
from legal_training.simulator.authorities import (
    Authority,
    AuthorityMode,
    authorities_for,
    fabricated_case,
    is_case,
    misattribute,
    unindexed_for,
)

DEFAULT_TOPIC = "Contract Law - Breach of Contract"
WORD_MARGIN = 1.15
_LINE = re.compile(
    r"^[\s*>#-]*(topic|jurisdiction|difficulty|sample[ _]type)"
    r"\s*\**\s*[:=]\s*\**\s*(.+?)\s*\**\s*$",
    re.IGNORECASE | re.MULTILINE,
)
WRONG_JURISDICTION = {"uk": "us", "us": "uk", "eu": "us", "international": "us"}
_GENERAL_AREA = {
    "uk": "Contract Law",
    "us": "Contracts",
    "eu": "Free Movement",
    "international": "Human Rights",
}


@dataclass(frozen=True)
class SampleSpec:
    """What a request asked for, resolved against the catalog (unknown values fall back)."""

    topic: Topic
    jurisdiction: Jurisdiction
    difficulty: Difficulty
    sample_type: SampleType


def parse_spec(prompt: str, catalog: Catalog) -> SampleSpec:
    """Read the task block; anything missing or unknown falls back to the documented default."""
    fields: dict[str, str] = {}
    for match in _LINE.finditer(prompt):
        key = match.group(1).lower().replace("_", " ")
        fields.setdefault(key, match.group(2).strip().strip("\"'`"))
    jurisdiction = _jurisdiction(fields.get("jurisdiction"), catalog)
    topic = _topic(fields.get("topic"), jurisdiction, catalog)
    if jurisdiction is None or jurisdiction.id != topic.jurisdiction:
        jurisdiction = catalog.jurisdiction(topic.jurisdiction)
    try:
        difficulty = catalog.difficulty(fields.get("difficulty", "intermediate").split()[0])
    except (CatalogError, IndexError):
        difficulty = catalog.difficulty("intermediate")
    try:
        raw_type = fields.get("sample type", catalog.default_sample_type).split()[0]
        sample_type = catalog.sample_type(raw_type.strip(",.;"))
    except (CatalogError, IndexError):
        sample_type = catalog.sample_type(catalog.default_sample_type)
    return SampleSpec(topic, jurisdiction, difficulty, sample_type)


def _jurisdiction(value: str | None, catalog: Catalog) -> Jurisdiction | None:
    if not value:
        return None
    key = value.strip().lower()
    for item in catalog.jurisdictions:
        if key in (item.id, item.name.lower()) or key.startswith(item.id + " "):
            return item
    return None


def _topic(value: str | None, jurisdiction: Jurisdiction | None, catalog: Catalog) -> Topic:
    if value:
        try:
            return catalog.find_topic(value)
        except CatalogError:
            pass
    if jurisdiction is not None and jurisdiction.id != "uk":
        return catalog.filter_topics(jurisdiction=jurisdiction.id)[0]
    return catalog.find_topic(DEFAULT_TOPIC)


def _company(rng: random.Random, jurisdiction: str) -> str:
    suffix = rng.choice(P.COMPANY_SUFFIX[jurisdiction])
    return f"{rng.choice(P.COMPANY_STEMS)} {rng.choice(P.COMPANY_KINDS)} {suffix}"


def _person(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(P.FIRST_NAMES)
    return f"{first} {rng.choice(P.SURNAMES)}", first


def _amount(rng: random.Random, jurisdiction: str) -> str:
    value = rng.choice((1, 2, 5)) * 10 ** rng.randint(4, 7) + rng.randint(1, 99) * 1000
    return f"{P.CURRENCY[jurisdiction]}{value:,}"


def _date(rng: random.Random, jurisdiction: str) -> tuple[str, str]:
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    name = P.MONTHS[month - 1]
    text = f"{name} {day}, {year}" if jurisdiction == "us" else f"{day} {name} {year}"
    return text, f"{name} {year}"


def make_facts(rng: random.Random, spec: SampleSpec, citations: list[Authority]) -> dict[str, str]:
    """Fresh parties, place, industry, sums and dates for one sample."""
    jid = spec.jurisdiction.id
    concepts = list(P.AREA_CONCEPTS.get(spec.topic.practice_area, P.DEFAULT_CONCEPTS))
    rng.shuffle(concepts)
    while len(concepts) < 3:
        concepts.append(P.DEFAULT_CONCEPTS[len(concepts)])
    person, first = _person(rng)
    if jid == "international" and rng.random() < 0.5:
        client, counterparty = rng.sample(P.STATES, 2)
        first = client
    elif spec.sample_type.id == "client_interaction":
        client, counterparty = person, _company(rng, jid)
    else:
        client = rng.choice((person, _company(rng, jid)))
        counterparty = _company(rng, jid)
    date, month_year = _date(rng, jid)
    statutes = [c for c, _ in citations if not is_case(c)]
    statute = statutes[0] if statutes else citations[0][0]
    return {
        "client": client,
        "client_first": first,
        "counterparty": counterparty,
        "place": rng.choice(P.PLACES[jid]),
        "industry": rng.choice(P.INDUSTRIES),
        "amount": _amount(rng, jid),
        "date": date,
        "month_year": month_year,
        "topic": spec.topic.topic,
        "topic_lower": spec.topic.topic if spec.topic.topic.isupper() else spec.topic.topic.lower(),
        "area": spec.topic.practice_area,
        "concept": concepts[0],
        "concept2": concepts[1],
        "concept3": concepts[2],
        "juris": {"uk": "English", "us": "US", "eu": "EU", "international": "international"}[jid],
        "statute": statute,
    }


def pick_authorities(
    rng: random.Random,
    spec: SampleSpec,
    *,
    wrong_jurisdiction: bool = False,
    mode: AuthorityMode = "real",
) -> list[Authority]:
    """Distinct authorities for the topic's area, at least one case among them when possible.

    ``mode`` picks what kind: ``real`` (the default table), ``unindexed`` (real law kept out
    of it), ``fabricated`` (every authority invented) or ``misattributed`` (one case's name
    moved onto another real case's citation).
    """
    jid = spec.jurisdiction.id
    area = spec.topic.practice_area
    if wrong_jurisdiction:
        jid = WRONG_JURISDICTION[jid]
        area = _GENERAL_AREA[jid]
    pool = list(authorities_for(jid, area))
    if mode == "unindexed" and unindexed_for(jid):
        pool = list(unindexed_for(jid))
    count = min(len(pool), spec.difficulty.min_citations + rng.randint(0, 1))
    chosen = rng.sample(pool, count)
    if not any(is_case(c) for c, _ in chosen):
        cases = [a for a in pool if is_case(a[0]) and a not in chosen]
        if cases:
            chosen[-1] = rng.choice(cases)
    if spec.sample_type.id == "statutory_interpretation" and mode == "real":
        statutes = [a for a in pool if not is_case(a[0])]
        if statutes and not any(not is_case(c) for c, _ in chosen):
            chosen[0] = rng.choice([s for s in statutes if s not in chosen] or statutes)
    if mode == "fabricated":
        return [_fabricated(rng, jid) for _ in chosen]
    if mode == "misattributed":
        return _misattributed(rng, chosen, pool)
    return chosen


def _fabricated(rng: random.Random, jurisdiction: str) -> Authority:
    party = _company(rng, jurisdiction)
    other = rng.choice(P.SURNAMES)
    return fabricated_case(rng, jurisdiction, party, other)


def _misattributed(
    rng: random.Random, chosen: list[Authority], pool: list[Authority]
) -> list[Authority]:
    """Replace one chosen case with its name on another case's citation (or, when no chosen
    authority is a case, the first with one pooled case's name on another's citation)."""
    cases = [a for a in pool if is_case(a[0])]
    for index in rng.sample(range(len(chosen)), len(chosen)):
        for other in rng.sample(cases, len(cases)):
            wrong = misattribute(chosen[index][0], other[0])
            if wrong is not None:
                chosen = list(chosen)
                chosen[index] = (wrong, other[1])
                return chosen
    for named in rng.sample(cases, len(cases)):
        for other in rng.sample(cases, len(cases)):
            wrong = misattribute(named[0], other[0])
            if wrong is not None:
                return [(wrong, other[1]), *chosen[1:]]
    return chosen


def word_count(text: str) -> int:
    return len(text.split())


def _sentence(
    rng: random.Random, bank: tuple[str, ...], used: set[str], facts: dict[str, str]
) -> str:
    fresh = [t for t in bank if t not in used] or list(bank)
    template = rng.choice(fresh)
    used.add(template)
    return P.expand(template, rng, facts)


def _cite_sentence(rng: random.Random, authority: Authority, facts: dict[str, str]) -> str:
    template = rng.choice(P.AUTHORITY_SENTENCES)
    return P.expand(template, rng, {**facts, "cite": authority[0], "holding": authority[1]})


def write_answer(
    rng: random.Random,
    spec: SampleSpec,
    citations: list[Authority],
    facts: dict[str, str],
    *,
    target_words: int,
    headings: bool = True,
) -> str:
    """Section paragraphs under upper-case headings, every citation used, ≥ ``target_words``."""
    sections = list(spec.sample_type.sections)
    roles = [P.SECTION_ROLES.get(name, "analysis") for name in sections]
    paragraphs: list[list[str]] = []
    used: set[str] = set()
    for name, role in zip(sections, roles, strict=True):
        openers = P.SECTION_OPENERS.get(name, ())
        body = [P.expand(rng.choice(openers), rng, facts)] if openers else []
        body.append(_sentence(rng, P.ROLE_SENTENCES[role], used, facts))
        paragraphs.append(body)
    # Authorities go to the "law" sections first, then the analysis ones, round-robin.
    law_slots = [i for i, r in enumerate(roles) if r == "law"] or [0]
    analysis_slots = [i for i, r in enumerate(roles) if r == "analysis"] or law_slots
    slots = law_slots + analysis_slots
    for n, authority in enumerate(citations):
        paragraphs[slots[n % len(slots)]].append(_cite_sentence(rng, authority, facts))
    grow = [i for i, r in enumerate(roles) if r in ("analysis", "law")] or list(range(len(roles)))
    turn = 0
    while word_count(" ".join(" ".join(p) for p in paragraphs)) < target_words:
        index = grow[turn % len(grow)]
        bank = P.ROLE_SENTENCES[roles[index]] + P.ELABORATIONS
        paragraphs[index].append(_sentence(rng, bank, used, facts))
        turn += 1
    blocks = []
    for name, body in zip(sections, paragraphs, strict=True):
        text = " ".join(body)
        blocks.append(f"{name.upper()}: {text}" if headings else text)
    return "\n\n".join(blocks)


def write_reasoning(
    rng: random.Random, spec: SampleSpec, citations: list[Authority], facts: dict[str, str]
) -> str:
    """``Step N:`` lines within the difficulty's range and above its character floor."""
    diff = spec.difficulty
    steps = rng.randint(diff.min_steps, diff.max_steps)
    cite, cite2 = citations[0], citations[1 % len(citations)]
    values = {**facts, "cite": cite[0], "holding": cite[1], "cite2": cite2[0]}
    # Keep the logical order: question first, conclusion last, middle steps drawn in order.
    middle = list(P.REASONING_STEPS[1:-1])
    chosen = sorted(rng.sample(range(len(middle)), min(steps - 2, len(middle))))
    templates = [P.REASONING_STEPS[0], *(middle[i] for i in chosen), P.REASONING_STEPS[-1]]
    while len(templates) < steps:
        templates.insert(-1, rng.choice(middle))
    lines = [f"Step {n}: {P.expand(t, rng, values)}" for n, t in enumerate(templates, start=1)]
    text = "\n".join(lines)
    while len(text) < diff.min_reasoning_chars:
        lines[-2] += " " + P.expand(rng.choice(P.ELABORATIONS), rng, values)
        text = "\n".join(lines)
    return text


def write_sample(
    rng: random.Random,
    spec: SampleSpec,
    *,
    short: bool = False,
    missing_sections: bool = False,
    wrong_jurisdiction: bool = False,
    authorities: AuthorityMode = "real",
) -> dict[str, Any]:
    """One sample as the model would return it (before any wrapping or transport fault)."""
    citations = pick_authorities(rng, spec, wrong_jurisdiction=wrong_jurisdiction, mode=authorities)
    facts = make_facts(rng, spec, citations)
    target = math.ceil(spec.difficulty.min_words * WORD_MARGIN)
    if short:
        target = max(30, spec.difficulty.min_words // 5)
    answer = write_answer(
        rng, spec, citations, facts, target_words=target, headings=not missing_sections
    )
    if short:
        answer = " ".join(answer.split()[:target])
    question = P.expand(rng.choice(P.QUESTIONS[spec.sample_type.id]), rng, facts)
    return {
        "id": f"sim_{rng.getrandbits(64):016x}",
        "question": question,
        "answer": answer,
        "topic": spec.topic.full_name,
        "difficulty": spec.difficulty.id,
        "case_citation": "; ".join(c for c, _ in citations),
        "reasoning": write_reasoning(rng, spec, citations, facts),
        "sample_type": spec.sample_type.id,
    }


THINKING = (
    "The user wants a {difficulty} {sample_type} sample on {topic}. I need the required sections, "
    "enough words, real authorities and numbered reasoning steps. Let me plan the facts first, "
    "then pick authorities that fit the practice area, then check the word count."
)


def thinking_text(sample: dict[str, Any]) -> str:
    return THINKING.format(**{k: sample.get(k, "") for k in ("difficulty", "sample_type", "topic")})


#: Spellings models use instead of ours (and the extractor must map back).
MISSPELT_KEYS = {
    "question": "Question",
    "case_citation": "case_citations",
    "reasoning": "reasoning_steps",
}
#: What a model that does not echo the request leaves out.
OMITTED_KEYS = ("id", "topic", "difficulty", "sample_type")


def reshape_fields(sample: dict[str, Any], faults: frozenset[str]) -> dict[str, Any]:
    """The sample's keys as the model writes them: some leave out what they were told (topic,
    difficulty, type), some misspell the keys."""
    shaped = dict(sample)
    if "omit_fields" in faults:
        for key in OMITTED_KEYS:
            shaped.pop(key, None)
    if "misspell_fields" in faults:
        shaped = {MISSPELT_KEYS.get(key, key): value for key, value in shaped.items()}
    return shaped


def render_content(rng: random.Random, sample: dict[str, Any], faults: frozenset[str]) -> str:
    """The message content: JSON, optionally fenced, wrapped in prose or preceded by <think>."""
    body = json.dumps(sample, ensure_ascii=False, indent=2)
    if "fence" in faults:
        body = f"```json\n{body}\n```"
    if "prose" in faults:
        before = rng.choice(
            (
                "Here is the training sample you asked for:",
                "Certainly! Below is the requested legal sample.",
                "Sure — the JSON object follows.",
            )
        )
        after = rng.choice(
            (
                "Let me know if you would like any changes.",
                "I hope this helps with your dataset.",
                "All requirements above have been checked.",
            )
        )
        body = f"{before}\n\n{body}\n\n{after}"
    if "think" in faults:
        body = f"<think>\n{thinking_text(sample)}\n</think>\n\n{body}"
    return body


def malform(content: str) -> str:
    """Broken JSON: a trailing comma plus an unterminated string, as models really produce."""
    cut = content.rstrip().rstrip("}").rstrip()
    return cut + ',\n  "notes": "unterminated\n}'
