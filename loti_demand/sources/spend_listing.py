"""List a publisher's spend files: links on its web pages, a CKAN dataset's resources, or a London Datastore
dataset's resources.

Web pages are parsed with lxml's HTML parser (linear in the page, whatever its markup), never with regular
expressions. A listing follows pagination (rel="next", or a link reading "Next") and links matching the
source's page_pattern, on the same host only, up to MAX_PAGES pages. Only http and https links are kept.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urldefrag, urlencode, urljoin, urlsplit

import lxml.etree
import lxml.html

from loti_demand.exceptions import FetchError
from loti_demand.sources.http import Client, host_of, is_web_url
from loti_demand.sources.limits import TOO_DEEP
from loti_demand.sources.spend_sources import SpendSource

MAX_PAGES = 50
MAX_FILES = 5000  # a council's listing names a few hundred files at most (monthly files for decades)
NEXT_WORDS = {"next", "next page", "next >", "next >>", "next \u203a", "next \u00bb", "\u203a", "\u00bb", ">", ">>"}


@dataclass(frozen=True)
class Link:
    url: str
    text: str = ""


@dataclass
class Listing:
    files: list[Link] = field(default_factory=list)
    pages: int = 0  # listing pages or API answers read
    problems: list[str] = field(default_factory=list)  # pages after the first that could not be read


def _links(html: str) -> tuple[str | None, list[tuple[str, str, bool]]]:
    """The page's <base> href and every <a>/<area>/<link rel=next> as (href, text, is_next), in page order.

    Parsed with lxml (libxml2's HTML parser), which takes time in proportion to the page, however it is built (the
    standard library's parser took minutes over 120 KB of unclosed "<a "). Links do not nest: a new <a> closes
    an open one, as in a browser."""
    # huge_tree: libxml2 otherwise drops what is nested past 255 elements (a page of rows each leaving a <div> open)
    parser = lxml.html.HTMLParser(encoding="utf-8", recover=True, no_network=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (lxml.etree.ParserError, ValueError):  # empty, or nothing but whitespace and comments
        return None, []
    base, links = None, []
    for element in root.iter("a", "area", "link", "base"):
        href, rel = (element.get("href") or "").strip(), (element.get("rel") or "").lower().split()
        is_next = "next" in rel or (element.get("aria-label") or "").strip().lower() in NEXT_WORDS
        if element.tag == "base":
            base = base or href or None
        elif element.tag == "link":
            if "next" in rel and href:
                links.append((href, "", True))
        elif element.tag == "area":  # no content: its text is its alt text
            if href:
                links.append((href, (element.get("alt") or "")[:300], is_next))
        elif href:
            text = " ".join("".join(itertools.islice(element.itertext(), 100))[:1000].split())[:300]
            links.append((href, text, is_next or text.lower() in NEXT_WORDS))
    return base, links


def page_links(html: str, page_url: str) -> tuple[list[Link], list[str]]:
    """(every http(s) link on the page, the links to its next page), as absolute URLs without fragments."""
    found_base, found = _links(html)
    base = (_joined(page_url, found_base) or page_url) if found_base else page_url
    links, nexts = [], []
    for href, text, is_next in found:
        url = _joined(base, href)
        if url is None:
            continue  # not an address at all ('http://[::1/x'): the page's other links are still read
        if not is_web_url(url):
            continue  # mailto:, javascript:, file:, ftp:, data: ... are never followed
        links.append(Link(url, text))
        if is_next:
            nexts.append(url)
    return links, nexts


def _joined(base: str, href: str) -> str | None:
    """href made absolute against base, without its fragment; None when it cannot be read as an address."""
    try:
        return urldefrag(urljoin(base, href)).url
    except ValueError:
        return None


def list_files(client: Client, source: SpendSource) -> Listing:
    """The spend files the source lists, in the order found, each once. Raises FetchError when the listing
    itself cannot be read."""
    listing = Listing()
    found = {
        "html": _html_files,
        "ckan": _ckan_files,
        "datastore": _datastore_files,
    }[source.listing_type](client, source, listing)
    seen = set()
    for link in found:
        if link.url not in seen and source.is_file(link.url):
            if len(listing.files) == MAX_FILES:
                listing.problems.append(
                    f"{source.listing_url}: the listing names more than {MAX_FILES:,} files, far more than any "
                    f"council publishes; only the first {MAX_FILES:,} were fetched (check the registry's file_pattern)"
                )
                break
            seen.add(link.url)
            listing.files.append(link)
    return listing


def _html_files(client: Client, source: SpendSource, listing: Listing) -> Iterator[Link]:
    start = source.listing_url
    queue, visited = [start], {start}
    while queue and listing.pages < MAX_PAGES:
        page_url = queue.pop(0)
        try:
            body = client.get(page_url, headers={"Accept": "text/html,application/xhtml+xml"})
        except FetchError as exc:
            if page_url == start:
                raise
            listing.problems.append(str(exc))
            continue
        listing.pages += 1
        links, nexts = page_links(_text(body.content, body.headers), body.url)
        for link in links:
            follow = link.url in nexts or source.is_listing_page(link.url)
            if follow and host_of(link.url) == host_of(body.url) and link.url not in visited:
                visited.add(link.url)
                queue.append(link.url)
            else:
                yield link
    if queue:
        listing.problems.append(
            f"{start}: the listing goes on past {MAX_PAGES} pages; the {len(queue)} page(s) found after them were not "
            "read (check the registry's page_pattern)"
        )


def _text(content: bytes, headers: Mapping[str, str]) -> str:
    match = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""), re.IGNORECASE)
    try:
        return content.decode(match.group(1) if match else "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        return content.decode("utf-8", errors="replace")


def _dataset_id(url: str) -> str:
    """The dataset's id or name: the path segment after /dataset/ in a CKAN or Datastore dataset page."""
    parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
    if "dataset" in parts and parts.index("dataset") + 1 < len(parts):
        return parts[parts.index("dataset") + 1]
    raise FetchError(f"{url}: not a dataset page (expected .../dataset/<id>); correct catalogue_url")


def _api_json(client: Client, url: str, params: dict[str, str] | None = None) -> object:
    body = client.get(url + (f"?{urlencode(params)}" if params else ""), headers={"Accept": "application/json"})
    try:
        return json.loads(body.content.decode("utf-8-sig"))
    except RecursionError as exc:
        raise FetchError(f"{url}: the answer {TOO_DEEP}") from exc
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert (more than 4,300 digits)
        raise FetchError(f"{url}: the answer is not valid JSON ({str(exc)[:80]})") from exc


def _ckan_files(client: Client, source: SpendSource, listing: Listing) -> Iterator[Link]:
    """CKAN's package_show: result.resources[].url (https://docs.ckan.org/en/latest/api/)."""
    url = source.listing_url
    answer = _api_json(client, host_of(url) + "/api/action/package_show", {"id": _dataset_id(url)})
    listing.pages += 1
    result = answer.get("result") if isinstance(answer, dict) else None
    resources = result.get("resources") if isinstance(result, dict) else None
    if not isinstance(resources, list):
        raise FetchError(f"{url}: the CKAN API's answer has no result.resources list")
    yield from _resource_links(resources, "name")


def _datastore_files(client: Client, source: SpendSource, listing: Listing) -> Iterator[Link]:
    """The London Datastore's dataset API (/api/dataset/<slug>): resources is an object keyed by resource id."""
    url = source.listing_url
    answer = _api_json(client, host_of(url) + "/api/dataset/" + _dataset_id(url))
    listing.pages += 1
    resources = answer.get("resources") if isinstance(answer, dict) else None
    if not isinstance(resources, dict):
        raise FetchError(f"{url}: the Datastore API's answer has no resources object")
    yield from _resource_links(sorted(resources.values(), key=_order), "title")


def _order(resource: object) -> int:
    order = resource.get("order") if isinstance(resource, dict) else None
    return order if isinstance(order, int) else 0


def _resource_links(resources: list, title: str) -> Iterator[Link]:
    for resource in resources:
        if isinstance(resource, dict) and isinstance(resource.get("url"), str) and is_web_url(resource["url"]):
            yield Link(resource["url"].strip(), str(resource.get(title) or "")[:300])
