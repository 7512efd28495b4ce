"""The dataset card (``README.md``): YAML metadata for the Hub and ``datasets``, prose from data.

Follows distilabel's idea: a :class:`huggingface_hub.DatasetCard` subclass rendering a Jinja
template kept next to it (``templates/dataset_card.md.j2``). Every number on the card is
computed from the exported rows (:class:`DatasetProfile` is fed the same rows that are
written), so the card cannot drift from the files it describes. The YAML front matter declares
the configs, the split files and the features, which is what lets
``datasets.load_dataset(folder)`` load the folder as it is.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from huggingface_hub import DatasetCard, DatasetCardData
from sqlalchemy import select
from sqlalchemy.orm import Session

from legal_training.catalog import CatalogError, get_catalog
from legal_training.publishing.splits import SplitConfig
from legal_training.storage.models import BatchRow

TEMPLATE_PATH = Path(__file__).with_name("templates") / "dataset_card.md.j2"
DEFAULT_LICENSE = "apache-2.0"
DEFAULT_PRETTY_NAME = "Synthetic Legal Q&A"
TIMESTAMP_DTYPE = "timestamp[us, tz=UTC]"
TIMESTAMP_FIELDS = frozenset({"created_at", "updated_at"})
FIELD_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {
        "id": "Unique sample id",
        "question": "The legal question or scenario",
        "answer": "The model answer, citing authorities",
        "topic": "Practice Area - Topic",
        "difficulty": "basic, intermediate, advanced or expert",
        "case_citation": "Principal authorities relied on",
        "reasoning": "Step-by-step legal reasoning (Step 1: ... Step 2: ...)",
        "sample_type": "Kind of task (case analysis, simple Q&A, ...)",
        "jurisdiction": "uk, us, eu or international",
        "practice_area": "Area of law",
        "provider": "LLM provider that generated the sample",
        "model": "Model that generated the sample",
        "batch_id": "Generation batch",
        "created_at": "Creation time (UTC)",
        "updated_at": "Last edit time (UTC)",
        "quality": "Quality-gate report (JSON text: score, passed/failed checks, flags)",
    }
)
_SIZE_CATEGORIES: tuple[tuple[int, str], ...] = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
)


# The verification statuses a quality report counts (generation.verification), in report order.
_AUTHORITY_STATUSES: tuple[str, ...] = ("verified", "mismatch", "unverified", "implausible")


def size_category(count: int) -> str:
    """The Hub's ``size_categories`` bucket for ``count`` rows."""
    for limit, label in _SIZE_CATEGORIES:
        if count < limit:
            return label
    return "n>100M"


def feature_dtype(name: str) -> str:
    """The ``datasets`` dtype of an exported column (everything else is text)."""
    return TIMESTAMP_DTYPE if name in TIMESTAMP_FIELDS else "string"


@dataclass
class DatasetProfile:
    """Counts gathered while the rows are written; everything the card says about the data."""

    total: int = 0
    jurisdictions: Counter[str] = field(default_factory=Counter)
    practice_areas: Counter[str] = field(default_factory=Counter)
    difficulties: Counter[str] = field(default_factory=Counter)
    sample_types: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    providers: Counter[str] = field(default_factory=Counter)
    models: Counter[tuple[str, str]] = field(default_factory=Counter)
    batch_ids: set[str] = field(default_factory=set)
    scored: int = 0
    score_sum: float = 0.0
    score_min: float | None = None
    score_max: float | None = None
    reports: int = 0
    reports_all_passed: int = 0
    modes: Counter[str] = field(default_factory=Counter)
    check_seen: Counter[str] = field(default_factory=Counter)
    check_passed: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    # verification status -> authorities, summed over the samples' citation_verification checks
    authority_statuses: Counter[str] = field(default_factory=Counter)

    def add(self, sample: Mapping[str, Any]) -> None:
        self.total += 1
        self.jurisdictions[str(sample.get("jurisdiction") or "unspecified")] += 1
        topic = str(sample.get("topic") or "")
        area = sample.get("practice_area") or (topic.split(" - ", 1)[0] if topic else None)
        self.practice_areas[str(area or "unspecified")] += 1
        self.difficulties[str(sample.get("difficulty") or "unspecified")] += 1
        self.sample_types[str(sample.get("sample_type") or "unspecified")] += 1
        self.topics[topic or "unspecified"] += 1
        provider = str(sample.get("provider") or "unknown")
        self.providers[provider] += 1
        self.models[(provider, str(sample.get("model") or "unknown"))] += 1
        if sample.get("batch_id"):
            self.batch_ids.add(str(sample["batch_id"]))
        self._add_quality(sample.get("quality"), sample.get("quality_score"))

    def add_many(self, samples: Iterable[Mapping[str, Any]]) -> None:
        for sample in samples:
            self.add(sample)

    def _add_quality(self, quality: Any, score: Any) -> None:
        if isinstance(quality, str) and quality.strip():
            try:
                quality = json.loads(quality)
            except ValueError:
                quality = None
        report = quality if isinstance(quality, dict) else None
        if score is None and report is not None:
            score = report.get("score")
        if isinstance(score, int | float):
            value = float(score)
            self.scored += 1
            self.score_sum += value
            self.score_min = value if self.score_min is None else min(self.score_min, value)
            self.score_max = value if self.score_max is None else max(self.score_max, value)
        if report is None:
            return
        self.reports += 1
        if report.get("mode"):
            self.modes[str(report["mode"])] += 1
        failed = report.get("failed") or []
        if not failed:
            self.reports_all_passed += 1
        checks = report.get("checks")
        if isinstance(checks, dict):
            for name, result in checks.items():
                self.check_seen[name] += 1
                if isinstance(result, dict) and result.get("passed"):
                    self.check_passed[name] += 1
            verification = checks.get("citation_verification")
            if isinstance(verification, dict):
                for status in _AUTHORITY_STATUSES:
                    count = verification.get(status)
                    if isinstance(count, int) and not isinstance(count, bool):
                        self.authority_statuses[status] += count
        for flag in report.get("flags") or []:
            self.flags[str(flag)] += 1

    @property
    def score_mean(self) -> float | None:
        return round(self.score_sum / self.scored, 1) if self.scored else None

    @property
    def pass_rate(self) -> float | None:
        """Share of samples whose stored quality report failed no check."""
        return round(self.reports_all_passed / self.reports, 4) if self.reports else None


@dataclass(frozen=True)
class GenerationStats:
    """The quality gate at generation time: accepted vs rejected in the batches of the data."""

    batches: int = 0
    accepted: int = 0
    rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def acceptance_rate(self) -> float | None:
        attempts = self.accepted + self.rejected
        return round(self.accepted / attempts, 4) if attempts else None


def generation_stats(session: Session, batch_ids: Iterable[str]) -> GenerationStats:
    ids = sorted(set(batch_ids))
    accepted = rejected = found = 0
    reasons: Counter[str] = Counter()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.scalars(select(BatchRow).where(BatchRow.id.in_(chunk))):
            found += 1
            accepted += row.samples_generated
            rejected += row.samples_rejected
            reasons.update({str(k): int(v) for k, v in (row.rejected_by_reason or {}).items()})
    return GenerationStats(found, accepted, rejected, dict(reasons.most_common()))


@dataclass(frozen=True)
class SplitFile:
    split: str
    path: str  # relative to the dataset folder, POSIX separators
    rows: int
    num_bytes: int = 0


@dataclass(frozen=True)
class CardInputs:
    """What the card describes besides the profile."""

    files: Sequence[SplitFile]
    fields: Sequence[str]
    data_format: str = "parquet"
    split_config: SplitConfig = field(default_factory=SplitConfig)
    filters: Mapping[str, Any] = field(default_factory=dict)
    include_simulator: bool = False
    near_duplicate_groups: int = 0
    near_duplicate_samples: int = 0
    repo_id: str | None = None
    pretty_name: str = DEFAULT_PRETTY_NAME
    license: str = DEFAULT_LICENSE


def _paths(files: Sequence[SplitFile], split: str) -> str | list[str]:
    paths = [f.path for f in files if f.split == split]
    return paths[0] if len(paths) == 1 else paths


def card_metadata(profile: DatasetProfile, inputs: CardInputs) -> dict[str, Any]:
    """The YAML front matter, as a plain dict (also what tests compare with the data)."""
    splits: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for f in inputs.files:
        splits[f.split] = splits.get(f.split, 0) + f.rows
        sizes[f.split] = sizes.get(f.split, 0) + f.num_bytes
    return {
        "language": ["en"],
        "license": inputs.license,
        "pretty_name": inputs.pretty_name,
        "task_categories": ["question-answering", "text-generation"],
        "size_categories": [size_category(profile.total)],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["machine-generated"],
        "multilinguality": ["monolingual"],
        "source_datasets": ["original"],
        "tags": ["legal", "law", "synthetic", "chain-of-thought", "reasoning"],
        "configs": [
            {
                "config_name": "default",
                "data_files": [
                    {"split": name, "path": _paths(inputs.files, name)} for name in splits
                ],
            }
        ],
        "dataset_info": {
            "config_name": "default",
            "features": [{"name": n, "dtype": feature_dtype(n)} for n in inputs.fields],
            "splits": [
                {"name": name, "num_bytes": sizes[name], "num_examples": rows}
                for name, rows in splits.items()
            ],
            "download_size": sum(sizes.values()),
            "dataset_size": sum(sizes.values()),
        },
    }


def _md(value: object) -> str:
    """A table cell: pipes and line breaks would break the Markdown table."""
    return str(value).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _rows(counter: Counter[str], total: int) -> list[dict[str, Any]]:
    return [
        {"name": _md(name), "count": n, "percent": f"{100 * n / total:.1f}" if total else "0.0"}
        for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _thresholds(difficulties: Iterable[str]) -> list[dict[str, Any]]:
    catalog = get_catalog()
    rows = []
    for name in sorted(difficulties):
        try:
            spec = catalog.difficulty(name)
        except CatalogError:
            continue
        rows.append(
            {
                "difficulty": spec.id,
                "min_words": spec.min_words,
                "min_citations": spec.min_citations,
                "steps": spec.reasoning_steps,
                "min_reasoning_chars": spec.min_reasoning_chars,
            }
        )
    return rows


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}%"


class LegalDatasetCard(DatasetCard):
    """Our dataset card: ``DatasetCard`` rendered from the template next to this module."""

    default_template_path = TEMPLATE_PATH

    @classmethod
    def build(
        cls,
        profile: DatasetProfile,
        inputs: CardInputs,
        generation: GenerationStats | None = None,
    ) -> LegalDatasetCard:
        metadata = card_metadata(profile, inputs)
        card_data = DatasetCardData(**metadata)
        generation = generation or GenerationStats()
        total = profile.total
        cited = sum(profile.authority_statuses.values())
        checks = [
            {
                "name": _md(name),
                "seen": seen,
                "passed": profile.check_passed[name],
                "rate": _percent(profile.check_passed[name] / seen if seen else None),
            }
            for name, seen in sorted(profile.check_seen.items())
        ]
        card: LegalDatasetCard = cls.from_template(
            card_data,
            template_path=str(TEMPLATE_PATH),
            pretty_name=inputs.pretty_name,
            repo_id=inputs.repo_id,
            total=total,
            data_format=inputs.data_format,
            split_files=inputs.files,
            split_config=inputs.split_config,
            filters={k: _md(v) for k, v in inputs.filters.items()},
            include_simulator=inputs.include_simulator,
            near_duplicate_groups=inputs.near_duplicate_groups,
            near_duplicate_samples=inputs.near_duplicate_samples,
            fields=[
                {"name": n, "dtype": feature_dtype(n), "description": FIELD_DESCRIPTIONS.get(n, "")}
                for n in inputs.fields
            ],
            jurisdictions=_rows(profile.jurisdictions, total),
            practice_areas=_rows(profile.practice_areas, total),
            difficulties=_rows(profile.difficulties, total),
            sample_types=_rows(profile.sample_types, total),
            topic_count=len(profile.topics),
            providers=_rows(profile.providers, total),
            models=[
                {"provider": _md(p), "model": _md(m), "count": n}
                for (p, m), n in sorted(profile.models.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            thresholds=_thresholds(profile.difficulties),
            reports=profile.reports,
            pass_rate=_percent(profile.pass_rate),
            modes=dict(sorted(profile.modes.items())),
            checks=checks,
            flags=[{"name": _md(k), "count": v} for k, v in profile.flags.most_common(10)],
            authorities=cited,
            authority_shares=[
                {"status": status, "share": _percent(profile.authority_statuses[status] / cited)}
                for status in _AUTHORITY_STATUSES
            ]
            if cited
            else [],
            scored=profile.scored,
            score_mean=profile.score_mean,
            score_min=profile.score_min,
            score_max=profile.score_max,
            generation=generation,
            acceptance_rate=_percent(generation.acceptance_rate),
            top_rejections=[
                {"reason": _md(k), "count": v}
                for k, v in list(generation.rejected_by_reason.items())[:10]
            ],
        )
        return card


def render_card(
    profile: DatasetProfile,
    inputs: CardInputs,
    generation: GenerationStats | None = None,
) -> str:
    """The full ``README.md`` text."""
    return str(LegalDatasetCard.build(profile, inputs, generation))
