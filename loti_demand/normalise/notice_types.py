"""Classify an OCDS release: its stage and its notice type, from declared tables.

- STAGE_BY_TAG: release tag -> stage (planning, tender, award, contract); a release with several tags takes
  the furthest; a release without a known tag (a compiled release) takes the furthest stage its content shows.
- NOTICE_CODES, DOCUMENT_TYPES, TAG_NOTICE_TYPES: notice type, tried in that order (see `notice_type`).
A new publisher's codes are added to these tables, not as new branches.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping

STAGE_ORDER = ("planning", "tender", "award", "contract")
# OCDS releaseTag codelist (1.1) plus the UK extension's implementation tags.
STAGE_BY_TAG = {
    "planning": "planning",
    "planningUpdate": "planning",
    "tender": "tender",
    "tenderAmendment": "tender",
    "tenderUpdate": "tender",
    "tenderCancellation": "tender",
    "award": "award",
    "awardUpdate": "award",
    "awardCancellation": "award",
    "contract": "contract",
    "contractUpdate": "contract",
    "contractAmendment": "contract",
    "implementation": "contract",
    "implementationUpdate": "contract",
    "contractTermination": "contract",
}

# 1. A Procurement Act notice code in a document's `noticeType` (Find a Tender: the document whose id is the
#    notice id, e.g. {"id": "019779-2025", "documentType": "plannedProcurementNotice", "noticeType": "UK3"}).
NOTICE_CODES = {
    "UK1": "UK1 pipeline",
    "UK2": "UK2 engagement",
    "UK3": "UK3 planned",
    "UK4": "UK4 tender",
    "UK5": "UK5 transparency",
    "UK6": "award",
    "UK7": "contract",
    "UK8": "payments",
    "UK9": "contract",
    "UK10": "contract change",
    "UK11": "termination",
    "UK12": "termination",
    "UK13": "dynamic market",
    "UK14": "dynamic market",
    "UK15": "dynamic market",
    "UK16": "dynamic market",
    "UK17": "payments",
}
# 2. The documentType of the notice document: Contracts Finder, the OCDS codelist and the ocds_uk_extension.
#    (OCDS defines contractNotice as the notice of a signed contract, not the EU "contract notice".)
DOCUMENT_TYPES = {
    "pipelineNotice": "UK1 pipeline",
    "marketEngagementNotice": "UK2 engagement",
    "plannedProcurementNotice": "UK3 planned",
    "tenderNotice": "UK4 tender",
    "transparencyNotice": "UK5 transparency",
    "awardNotice": "award",
    "contractNotice": "contract",
    "implementationNotice": "contract",
    "tenderCancellationNotice": "termination",
    "contractTerminationNotice": "termination",
}
# 3. The release tags, when no notice document says more (a planning release with an engagement milestone is a
#    preliminary market engagement notice, as Find a Tender publishes them).
TAG_NOTICE_TYPES = {
    "tenderCancellation": "termination",
    "awardCancellation": "termination",
    "contractTermination": "termination",
    "contract": "contract",
    "contractUpdate": "contract",
    "contractAmendment": "contract change",
    "implementation": "contract",
    "implementationUpdate": "contract",
    "award": "award",
    "awardUpdate": "award",
    "tender": "UK4 tender",
    "tenderAmendment": "UK4 tender",
    "tenderUpdate": "UK4 tender",
}
# The stage each notice type belongs to: a document of an earlier stage is not the release's own notice.
NOTICE_STAGES = {
    "UK1 pipeline": "planning",
    "UK2 engagement": "planning",
    "UK3 planned": "planning",
    "UK4 tender": "tender",
    "UK5 transparency": "tender",
    "dynamic market": "tender",
    "award": "award",
    "contract": "contract",
    "contract change": "contract",
    "payments": "contract",
}
_UK_CODE = re.compile(r"\bUK(\d{1,2})\b")


def get_in(doc: object, *keys: str) -> object:
    value = doc
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def objects(value: object) -> list[Mapping]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def is_one_of(value: object, allowed: Container[str]) -> bool:
    return isinstance(value, str) and value in allowed


def tags(release: Mapping) -> list[str]:
    raw = release.get("tag") or []
    return [str(t) for t in ([raw] if isinstance(raw, str) else raw if isinstance(raw, list) else [])]


def stage(release: Mapping) -> str:
    """The furthest stage the release reaches by its tags; by its content when no tag says."""
    from_tags = [STAGE_BY_TAG[t] for t in tags(release) if t in STAGE_BY_TAG]
    if from_tags:
        return furthest(from_tags)
    if objects(release.get("contracts")):
        return "contract"
    if objects(release.get("awards")):
        return "award"
    tender_status = str(get_in(release, "tender", "status") or "")
    if isinstance(release.get("tender"), dict) and tender_status not in {"planning", "planned"}:
        return "tender"
    return "planning"


def furthest(stages: Iterable[str | None]) -> str:
    known = [s for s in stages if s in STAGE_ORDER]
    return max(known, key=STAGE_ORDER.index) if known else "planning"


def _notice_documents(release: Mapping) -> list[Mapping]:
    docs = [*objects(get_in(release, "planning", "documents")), *objects(get_in(release, "tender", "documents"))]
    for section in ("awards", "contracts"):
        for item in objects(release.get(section)):
            docs.extend(objects(item.get("documents")))
    return [d for d in docs if isinstance(d.get("noticeType"), str) or is_one_of(d.get("documentType"), DOCUMENT_TYPES)]


def ranked_notice_documents(release: Mapping) -> list[Mapping]:
    """Notice documents, most likely to be this release's own first: the one whose id is the release id (Find a
    Tender), then the latest published (ties: the last listed)."""
    docs = _notice_documents(release)
    own = [d for d in docs if _is_own(d, release)]
    rest = [d for d in docs if d not in own]
    order = sorted(range(len(rest)), key=lambda i: (str(rest[i].get("datePublished") or ""), i), reverse=True)
    return [*reversed(own), *(rest[i] for i in order)]


def _is_own(doc: Mapping, release: Mapping) -> bool:
    return release.get("id") is not None and doc.get("id") is not None and str(doc["id"]) == str(release["id"])


def _document_notice_type(doc: Mapping) -> tuple[str | None, str | None]:
    match = _UK_CODE.search(str(doc.get("noticeType") or "").upper())
    if match and f"UK{match.group(1)}" in NOTICE_CODES:
        return NOTICE_CODES[f"UK{match.group(1)}"], f"noticeType UK{match.group(1)}"
    if is_one_of(doc.get("documentType"), DOCUMENT_TYPES):
        return DOCUMENT_TYPES[doc["documentType"]], f"documentType {doc['documentType']}"
    return None, None


def notice_type(release: Mapping, candidates: list[Mapping] | None = None) -> tuple[str | None, str | None]:
    """(notice type, the rule that set it): UK code, then documentType, then tags; (None, None) if unknown.

    A later release often carries the documents of earlier notices (a contract release still lists the tender
    notice), so a document only counts when it is the release's own (same id) or of the release's stage or later.
    """
    release_stage = stage(release)
    for doc in ranked_notice_documents(release) if candidates is None else candidates:
        kind, reason = _document_notice_type(doc)
        earlier = STAGE_ORDER.index(NOTICE_STAGES.get(kind) or release_stage) < STAGE_ORDER.index(release_stage)
        if kind and (_is_own(doc, release) or not earlier):
            return kind, reason
    release_tags = tags(release)
    for tag, kind in TAG_NOTICE_TYPES.items():  # declared order: cancellations first, then the furthest stage
        if tag in release_tags:
            return kind, f"tag {tag}"
    if any(STAGE_BY_TAG.get(t) == "planning" for t in release_tags):
        milestones = objects(get_in(release, "planning", "milestones"))
        if any(is_one_of(m.get("type"), {"engagement"}) for m in milestones):
            return "UK2 engagement", "tag planning with an engagement milestone"
        if get_in(release, "tender", "communication", "futureNoticeDate"):
            return "UK3 planned", "tag planning with a future notice date"
    return None, None
