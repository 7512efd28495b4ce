"""Dataset: the paginated, searchable table, one sample's view and editor, import and export.

Never the whole dataset in the browser: a page of at most 100 rows comes from the database
(an index walk, then only those rows), with the total from a count. Search uses the database's
full-text index, newest matches first; combined with filters, the filters apply to the newest
:data:`SEARCH_WINDOW` matches (the page says so).
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from legal_training.catalog import CatalogError, get_catalog
from legal_training.catalog.fields import SampleFilters
from legal_training.generation.checks import find_sections
from legal_training.generation.citations import (
    ACCEPTED_FAMILIES,
    citation_family,
    parse_citations,
)
from legal_training.publishing.export import SIMULATOR_PROVIDER
from legal_training.storage.db import Database
from legal_training.storage.io import EXPORT_FORMATS, IMPORT_FORMATS
from legal_training.storage.samples import SampleNotFoundError, SampleRepository
from legal_training.storage.search import SEARCH_FIELDS, SearchQueryError
from legal_training.web.common import (
    FILTER_NAMES,
    FilterChoice,
    FiltersChoiceDep,
    SessionDep,
    read_page,
    render,
)
from legal_training.web.deps import DatabaseDep

router = APIRouter()
SEARCH_WINDOW = 500
MAX_QUERY_CHARS = 500
#: Fields the sample editor offers, in form order (``PUT /api/sample/{id}`` takes them all).
EDITABLE_TEXT = ("question", "answer", "reasoning", "case_citation")
EDITABLE_META = ("id", "topic", "difficulty", "sample_type", "jurisdiction", "practice_area")


def sample_path(sample_id: str) -> str:
    return "/dataset/samples/" + quote(sample_id, safe="")


def filter_options() -> dict[str, Any]:
    catalog = get_catalog()
    return {
        "difficulties": catalog.difficulty_ids(),
        "jurisdictions": [j.id for j in catalog.jurisdictions],
        "sample_types": catalog.sample_type_ids(),
        "practice_areas": sorted(set(catalog.practice_areas())),
        "topics": [t.full_name for t in catalog.topics],
        "search_fields": SEARCH_FIELDS,
    }


def _matches(sample: dict[str, Any], filters: SampleFilters) -> bool:
    for f in dataclasses.fields(filters):
        wanted = getattr(filters, f.name)
        if wanted is None:
            continue
        if f.name == "min_quality":
            score = sample.get("quality_score")
            if score is None or score < wanted:
                return False
        elif f.name == "exclude_provider":
            if sample.get("provider") == wanted:
                return False
        elif sample.get(f.name) != wanted:
            return False
    return True


@router.get("/dataset", response_class=HTMLResponse)
def dataset_page(
    request: Request, db: DatabaseDep, choice: FiltersChoiceDep, signed_in: SessionDep
) -> HTMLResponse:
    pager = read_page(request)
    query = request.query_params.get("q", "").strip()[:MAX_QUERY_CHARS]
    field = request.query_params.get("field", "all")
    field = field if field in SEARCH_FIELDS else "all"
    params = {**choice.values, "q": query, "field": field if query else ""}
    error = choice.error
    more = False
    capped = False
    samples: list[dict[str, Any]] = []
    total = 0
    with db.read() as session:
        repo = SampleRepository(session, db.dialect)
        if error is None and query:
            want = SEARCH_WINDOW if choice.active else pager.offset + pager.limit + 1
            try:
                hits = repo.search(query, field=field, limit=min(want, SEARCH_WINDOW))
            except SearchQueryError as exc:
                hits, error = [], str(exc)
            capped = len(hits) >= SEARCH_WINDOW
            if choice.active:
                hits = [h for h in hits if _matches(h, choice.filters)]
            samples = hits[pager.offset : pager.offset + pager.limit]
            more = len(hits) > pager.offset + pager.limit
            total = len(hits) if (choice.active or not more) else pager.offset + len(samples)
        elif error is None:
            samples, total = repo.page(choice.filters, limit=pager.limit, offset=pager.offset)
    pager = dataclasses.replace(pager, total=total, params=params)
    context = {
        "samples": samples,
        "pager": pager,
        "query": query,
        "field": field,
        "search_more": more,
        "search_capped": capped,
        "search_window": SEARCH_WINDOW,
        "choice": choice,
        "error": error,
        "options": filter_options(),
        "notice": request.query_params.get("notice"),
        "sample_path": sample_path,
    }
    return render(request, "dataset.html", context, signed_in=signed_in)


# -- one sample --------------------------------------------------------------------------------


def answer_sections(answer: str, sample_type: str | None) -> dict[str, Any]:
    """The answer cut at its sample type's section headings, in the order they appear."""
    try:
        kind = get_catalog().sample_type(sample_type) if sample_type else None
    except CatalogError:
        kind = None
    if kind is None:
        return {"structure": None, "parts": [{"name": None, "text": answer}], "missing": []}
    found = sorted(find_sections(answer, kind.sections).items(), key=lambda item: item[1])
    parts: list[dict[str, Any]] = []
    if not found or found[0][1] > 0:
        lead = answer[: found[0][1]] if found else answer
        if lead.strip():
            parts.append({"name": None, "text": lead.strip("\n")})
    for index, (name, start) in enumerate(found):
        end = found[index + 1][1] if index + 1 < len(found) else len(answer)
        parts.append({"name": name, "text": answer[start:end].strip("\n")})
    missing = [s for s in kind.sections if s not in dict(found)]
    return {"structure": kind.structure_name, "parts": parts, "missing": missing}


def citation_report(sample: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct citation in the answer and the citation field, with its status for the
    sample's jurisdiction (as the quality gate judges it)."""
    text = "\n".join(str(sample.get(k) or "") for k in ("answer", "case_citation"))
    accepted = ACCEPTED_FAMILIES.get(str(sample.get("jurisdiction") or ""))
    seen: dict[str, dict[str, Any]] = {}
    for citation in parse_citations(text):
        entry = seen.get(citation.key)
        if entry is not None:
            entry["occurrences"] += 1
            continue
        if citation.problems:
            status, note = "implausible", "; ".join(citation.problems)
        elif accepted is not None and citation_family(citation) not in accepted:
            status, note = "foreign", f"outside {sample.get('jurisdiction')} law"
        else:
            status, note = "ok", None
        seen[citation.key] = {
            "text": citation.text,
            "kind": citation.kind.replace("_", " "),
            "year": citation.year,
            "status": status,
            "note": note,
            "occurrences": 1,
        }
    return list(seen.values())


def quality_checks(quality: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The stored report's checks, failed first, each with its reason."""
    if not quality:
        return []
    reasons = {f.get("check"): f.get("reason") for f in quality.get("failed") or []}
    checks = []
    for name, details in (quality.get("checks") or {}).items():
        info = details if isinstance(details, dict) else {}
        extra = {k: v for k, v in info.items() if k != "passed"}
        checks.append(
            {
                "name": name,
                "passed": bool(info.get("passed")),
                "reason": reasons.get(name),
                "details": extra,
            }
        )
    for name, reason in reasons.items():
        if name not in {c["name"] for c in checks}:
            checks.append({"name": name, "passed": False, "reason": reason, "details": {}})
    return sorted(checks, key=lambda c: (c["passed"], c["name"]))


@router.get("/dataset/samples/{sample_id:path}", response_class=HTMLResponse)
def sample_page(
    sample_id: str, request: Request, db: DatabaseDep, signed_in: SessionDep
) -> HTMLResponse:
    try:
        with db.read() as session:
            sample = SampleRepository(session, db.dialect).get(sample_id)
    except SampleNotFoundError:
        context: dict[str, Any] = {"what": f"sample {sample_id}", "back": "/dataset"}
        return render(request, "missing.html", context, status_code=404, signed_in=signed_in)
    context = {
        "sample": sample,
        "sections": answer_sections(str(sample.get("answer") or ""), sample.get("sample_type")),
        "citations": citation_report(sample),
        "checks": quality_checks(sample.get("quality")),
        "quality": sample.get("quality") or {},
        "editable_text": EDITABLE_TEXT,
        "editable_meta": EDITABLE_META,
        "options": filter_options(),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "sample.html", context, signed_in=signed_in)


# -- import and export ---------------------------------------------------------------------------


@router.get("/dataset/import", response_class=HTMLResponse)
def import_page(request: Request, signed_in: SessionDep) -> HTMLResponse:
    context = {"formats": IMPORT_FORMATS}
    return render(request, "import.html", context, signed_in=signed_in)


def export_summary(db: Database, choice: FilterChoice) -> dict[str, Any]:
    """How many samples an export with these filters holds, and how many of them were made by
    the simulator (left out unless asked for)."""
    filters = choice.filters
    with db.read() as session:
        repo = SampleRepository(session, db.dialect)
        matching = repo.count(filters)
        if filters.provider not in (None, SIMULATOR_PROVIDER):
            simulated = 0
        else:
            simulated = repo.count(dataclasses.replace(filters, provider=SIMULATOR_PROVIDER))
    explicit = filters.provider == SIMULATOR_PROVIDER
    return {
        "matching": matching,
        "simulated": simulated,
        "exported": matching if explicit else matching - simulated,
        "explicit_simulator": explicit,
        "formats": EXPORT_FORMATS,
        "params": {k: v for k, v in choice.values.items() if k in FILTER_NAMES},
    }


@router.get("/dataset/export", response_class=HTMLResponse)
def export_page(
    request: Request, db: DatabaseDep, choice: FiltersChoiceDep, signed_in: SessionDep
) -> HTMLResponse:
    context = {
        "choice": choice,
        "error": choice.error,
        "summary": export_summary(db, choice),
        "options": filter_options(),
        "action": "/dataset/export",
    }
    return render(request, "export.html", context, signed_in=signed_in)
