"""Official borough boundaries keyed by GSS code: read, checked, downloaded, and the neighbours they give (the map
itself is drawn by loti_demand.presentation.maps). Pure: no Streamlit.

Boundaries come from a file the user supplies (GeoJSON, shapefile, GeoPackage or a zipped shapefile, in any
coordinate reference system) or from `python -m loti_demand boundaries fetch`, which downloads them from the
ONS Open Geography Portal. They are reprojected to WGS84 (EPSG:4326), matched to boroughs through whichever
column holds E09 codes (GSS_CODE, LAD22CD, LAD24CD, ...), and simplified so the map draws quickly.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from loti_demand.exceptions import FetchError, InputFileError

LONDON_CODES = tuple(f"E09{n:06d}" for n in range(1, 34))
_GSS = re.compile(r"^E09\d{6}$")
SIMPLIFY_METRES = 50  # generalise to 50 m: under a pixel at the map's zoom (about 95 m), a fraction of the points
MAX_DOWNLOAD_BYTES = 100_000_000
MANUAL = (
    "download 'Local Authority Districts (December 2024) Boundaries UK BGC' as GeoJSON or shapefile from "
    "https://geoportal.statistics.gov.uk and set LOTI_DEMAND_BOUNDARIES to the file"
)
HOW_TO_GET = (
    "Run `python -m loti_demand boundaries fetch` (downloads London borough boundaries from the ONS "
    f"Open Geography Portal), or {MANUAL}."
)


def find_code_column(df: pd.DataFrame) -> str | None:
    """The column whose values are London borough GSS codes (E09...), whatever it is called; None if none."""
    best, best_count = None, 0
    for column in df.columns:
        if column == "geometry":
            continue
        values = df[column].astype("string").str.strip()
        count = int(values.str.match(_GSS.pattern).fillna(False).sum())
        if count > best_count:
            best, best_count = column, count
    return best


def _guess_crs(gdf: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """A file without a CRS: longitude/latitude or British National Grid, told apart by the coordinates."""
    minx, miny, maxx, maxy = gdf.total_bounds
    if max(abs(minx), abs(maxx)) <= 180 and max(abs(miny), abs(maxy)) <= 90:
        return gdf.set_crs(4326)
    if min(minx, miny) >= 0 and maxx <= 700_000 and maxy <= 1_300_000:
        return gdf.set_crs(27700)
    raise InputFileError(
        str(path),
        "the file does not say which coordinate reference system it uses",
        "supply the .prj file with a shapefile, or save the file as GeoJSON in WGS84",
    )


def read_boundaries(path: str | Path, *, simplify_metres: float = SIMPLIFY_METRES) -> gpd.GeoDataFrame:
    """London borough boundaries from a file: one row per E09 code, columns borough_code and geometry, EPSG:4326.

    Rows for other areas (a file of every UK district) are dropped. Raises InputFileError when the file
    cannot be read or holds no London borough codes.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(str(path), "no such file", HOW_TO_GET)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types; all mean "not a readable spatial file"
        raise InputFileError(
            str(path),
            f"could not be read as boundaries ({exc})",
            "use a GeoJSON, shapefile (.shp with its .shx, .dbf and .prj) or GeoPackage",
        ) from exc
    column = find_code_column(gdf)
    if column is None:
        raise InputFileError(
            str(path),
            "no column holds London borough GSS codes (E09000001 to E09000033); "
            f"the columns are {', '.join(map(str, gdf.columns))}",
            "use local authority district boundaries that carry ONS codes",
        )
    if gdf.crs is None:
        gdf = _guess_crs(gdf, path)
    gdf = gdf.assign(borough_code=gdf[column].astype("string").str.strip())
    gdf = gdf[gdf["borough_code"].isin(LONDON_CODES)][["borough_code", "geometry"]]
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    gdf = gdf.dissolve(by="borough_code", as_index=False)  # one shape per borough, even if split in the file
    metric = gdf.to_crs(27700)
    metric["geometry"] = metric.geometry.make_valid()
    if simplify_metres:
        try:
            metric["geometry"] = metric.geometry.simplify_coverage(simplify_metres)  # keeps shared edges shared
        except Exception:  # not a clean coverage (overlaps): simplify each shape on its own
            metric["geometry"] = metric.geometry.simplify(simplify_metres, preserve_topology=True)
    result = metric.to_crs(4326)
    result["geometry"] = shapely.set_precision(result.geometry.values, 1e-5)  # about 1 m: halves the GeoJSON
    return result.sort_values("borough_code").reset_index(drop=True)


def missing_codes(boundaries: gpd.GeoDataFrame) -> list[str]:
    """London borough codes the boundaries do not cover."""
    return sorted(set(LONDON_CODES) - set(boundaries["borough_code"]))


# Boundaries this close share a border. Both official files in the shared data (the London Datastore's and ONS's
# 2022 districts, simplified or not) give the same 68 pairs at any distance from 1 m to 50 m. The boundaries stop
# at the Thames's high-water line, so boroughs facing each other across the river touch only where they also
# share a land border.
NEIGHBOUR_METRES = 10


def borough_neighbours(boundaries: gpd.GeoDataFrame) -> pd.DataFrame:
    """Every pair of boroughs that share a border, both ways round: borough_code, neighbour_code, in code order."""
    metric = boundaries.to_crs(27700).reset_index(drop=True)
    codes, shapes = list(metric["borough_code"]), list(metric.geometry)
    pairs = [
        pair
        for i, j in itertools.combinations(range(len(codes)), 2)
        if shapes[i].distance(shapes[j]) <= NEIGHBOUR_METRES
        for pair in ((codes[i], codes[j]), (codes[j], codes[i]))
    ]
    return pd.DataFrame(sorted(pairs), columns=["borough_code", "neighbour_code"])


# --- Downloading boundaries (the `boundaries fetch` command) --------------------------------------------------


def validate_feature_collection(data: object, source: str) -> list[str]:
    """The London borough codes in a GeoJSON FeatureCollection; FetchError unless all 33 are there."""
    if isinstance(data, dict) and "error" in data:  # ArcGIS reports failures as JSON with HTTP 200
        error = data["error"] if isinstance(data["error"], dict) else {"message": data["error"]}
        raise FetchError(
            f"{source} answered with an error: {error.get('message', error)} "
            f"(code {error.get('code', '?')}). Check the boundaries_url setting."
        )
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise FetchError(
            f"{source} did not return a GeoJSON FeatureCollection. Check the boundaries_url setting asks for f=geojson."
        )
    if (data.get("properties") or {}).get("exceededTransferLimit"):
        raise FetchError(
            f"{source} returned only part of the features (exceededTransferLimit). Narrow the query "
            "to London (LAD..CD LIKE 'E09%')."
        )
    rows = [f.get("properties") or {} for f in data.get("features", []) if isinstance(f, dict)]
    column = find_code_column(pd.DataFrame(rows)) if rows else None
    codes = sorted({str(r[column]).strip() for r in rows if column and _GSS.match(str(r.get(column, "")).strip())})
    missing = sorted(set(LONDON_CODES) - set(codes))
    if missing:
        raise FetchError(
            f"{source} returned {len(codes)} of the 33 London boroughs; missing: "
            f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}."
        )
    return codes


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another http or https address (urllib would follow one to ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(target).scheme not in ("http", "https"):
            fp.close()
            raise FetchError(
                f"{urllib.parse.urlsplit(req.full_url).netloc} redirected the boundaries query to {target}, which "
                f"is not an http or https address; not followed. Check the boundaries_url setting.\n  Or {MANUAL}."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_within(response, host: str, max_seconds: float) -> bytes:
    """The body, read as it arrives, abandoned past MAX_DOWNLOAD_BYTES or `max_seconds` however slowly it comes."""
    started, parts, size = time.monotonic(), [], 0
    while piece := response.read1(64 * 1024):
        size += len(piece)
        if size > MAX_DOWNLOAD_BYTES:
            raise FetchError(f"{host} returned more than {MAX_DOWNLOAD_BYTES:,} bytes; that is not a London query.")
        if time.monotonic() - started > max_seconds:
            raise FetchError(
                f"{host} took longer than {max_seconds:g} s to send the boundaries; try again later.\n  Or {MANUAL}."
            )
        parts.append(piece)
    return b"".join(parts)


def fetch_boundaries(url: str, out: Path, *, timeout: float = 60, max_seconds: float = 600) -> list[str]:
    """Download London borough boundaries as GeoJSON from `url`, check all 33 are there, save them to `out`.

    `timeout` is how long the server may stay silent; `max_seconds` how long the whole download may take. The
    file is written only when it is valid (via a temporary file), so a failed fetch leaves any earlier
    download in place. Returns the borough codes saved.
    """
    host = urllib.parse.urlsplit(url).netloc or url
    request = urllib.request.Request(url, headers={"User-Agent": "loti-demand (boundaries fetch)"})
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            host = urllib.parse.urlsplit(response.geturl()).netloc or host
            body = _read_within(response, host, max_seconds)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FetchError(
            f"{host} answered HTTP {exc.code} ({exc.reason}) for the boundaries query. Check the "
            f"boundaries_url setting.\n  Or {MANUAL}."
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"could not reach {host} to download the boundaries ({reason}). This needs an internet "
            f"connection; are you offline?\n  Or {MANUAL}."
        ) from exc
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise FetchError(
            f"{host} returned JSON nested too deeply to be boundaries. Check the boundaries_url setting."
        ) from exc
    except ValueError as exc:
        raise FetchError(
            f"{host} did not return JSON (it began {body[:80]!r}). Check the boundaries_url setting."
        ) from exc
    codes = validate_feature_collection(data, host)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".boundaries-", suffix=".geojson", dir=out.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    try:
        read_boundaries(tmp)  # the dashboard must be able to read what we save
    except InputFileError as exc:
        os.unlink(tmp)
        raise FetchError(f"the boundaries from {host} could not be read: {exc.problem}") from exc
    os.replace(tmp, out)
    return codes
