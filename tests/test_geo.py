"""Borough boundaries (read in any format and CRS, matched by GSS code), the geographic and tile map figures,
and `boundaries fetch` against a local HTTP server (never the internet)."""

from __future__ import annotations

import json
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from loti_demand import geo
from loti_demand.cli import cli
from loti_demand.exceptions import InputFileError
from loti_demand.metrics import label
from loti_demand.presentation import maps
from tests.conftest import real_file

GEOJSON = "boundaries/London_Borough_Excluding_MHW.geojson"
SHAPEFILE = "boundaries/london_lad22_bgc_shapefile/london-2021-lad22-gen20.shp"
REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference" / "boroughs.csv"
LONDON_BOX = (-0.52, 51.28, 0.34, 51.70)  # lon/lat bounds around Greater London


def _in_london(gdf: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = gdf.total_bounds
    return LONDON_BOX[0] <= minx and maxx <= LONDON_BOX[2] and LONDON_BOX[1] <= miny and maxy <= LONDON_BOX[3]


def test_geojson_in_wgs84_gives_all_33_boroughs() -> None:
    gdf = geo.read_boundaries(real_file(GEOJSON))
    assert list(gdf["borough_code"]) == list(geo.LONDON_CODES)
    assert gdf.crs.to_epsg() == 4326 and _in_london(gdf)
    assert gdf.is_valid.all() and geo.missing_codes(gdf) == []


def test_shapefile_in_british_national_grid_is_reprojected() -> None:
    raw = gpd.read_file(real_file(SHAPEFILE))
    assert raw.crs.to_epsg() == 27700 and raw.total_bounds[0] > 500_000  # metres, not degrees
    gdf = geo.read_boundaries(real_file(SHAPEFILE))
    assert gdf.crs.to_epsg() == 4326 and _in_london(gdf)
    assert sorted(gdf["borough_code"]) == list(geo.LONDON_CODES)  # matched through LAD22CD
    # The same places as the GeoJSON from another publisher: Westminster's centre agrees to ~100 m.
    other = geo.read_boundaries(real_file(GEOJSON)).set_index("borough_code")
    mine = gdf.set_index("borough_code")
    a, b = mine.loc["E09000033", "geometry"].centroid, other.loc["E09000033", "geometry"].centroid
    assert abs(a.x - b.x) < 0.002 and abs(a.y - b.y) < 0.002


def test_geopackage_and_zipped_shapefile_in_any_crs(tmp_path: Path) -> None:
    raw = gpd.read_file(real_file(SHAPEFILE)).rename(columns={"LAD22CD": "LAD24CD"})
    raw.to_crs(3857).to_file(tmp_path / "web_mercator.gpkg", driver="GPKG")
    gdf = geo.read_boundaries(tmp_path / "web_mercator.gpkg")
    assert len(gdf) == 33 and gdf.crs.to_epsg() == 4326 and _in_london(gdf)
    shp = real_file(SHAPEFILE)
    with zipfile.ZipFile(tmp_path / "boroughs.zip", "w") as archive:
        for part in shp.parent.glob(shp.stem + ".*"):
            archive.write(part, part.name)
    zipped = geo.read_boundaries(tmp_path / "boroughs.zip")
    assert sorted(zipped["borough_code"]) == list(geo.LONDON_CODES) and _in_london(zipped)


def test_other_areas_are_dropped_and_split_boroughs_merged(tmp_path: Path) -> None:
    raw = gpd.read_file(real_file(SHAPEFILE))
    extra = gpd.GeoDataFrame(
        {"LAD22CD": ["E08000003"], "LAD22NM": ["Manchester"]},
        geometry=[box(380_000, 390_000, 390_000, 400_000)],
        crs=27700,
    )
    halves = raw[raw["LAD22CD"] == "E09000001"].copy()  # the City, split into two rows
    mixed = pd.concat([raw, extra, halves], ignore_index=True)
    mixed.to_file(tmp_path / "mixed.gpkg", driver="GPKG")
    gdf = geo.read_boundaries(tmp_path / "mixed.gpkg")
    assert sorted(gdf["borough_code"]) == list(geo.LONDON_CODES)
    assert _in_london(gdf)


def test_unusable_files_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="boundaries fetch"):
        geo.read_boundaries(tmp_path / "missing.geojson")
    wards = gpd.GeoDataFrame({"WD22CD": ["E05000001"]}, geometry=[box(0, 51, 0.1, 51.1)], crs=4326)
    wards.to_file(tmp_path / "wards.geojson", driver="GeoJSON")
    with pytest.raises(InputFileError, match=r"no column holds London borough GSS codes.*WD22CD"):
        geo.read_boundaries(tmp_path / "wards.geojson")
    (tmp_path / "notes.geojson").write_text("this is not GeoJSON")
    with pytest.raises(InputFileError, match="could not be read as boundaries"):
        geo.read_boundaries(tmp_path / "notes.geojson")


def test_code_column_is_found_by_its_values() -> None:
    df = pd.DataFrame({"NAME": ["Camden", "Barnet"], "objectid": [1, 2], "lad24cd": ["E09000007", "E09000003"]})
    assert geo.find_code_column(df) == "lad24cd"
    assert geo.find_code_column(pd.DataFrame({"x": ["E08000001"]})) is None


def _measures(sample_con) -> pd.DataFrame:
    return sample_con.execute(
        "select b.*, b.population * 1.0 as tech_spend_gbp from boroughs as b order by borough_code"
    ).df()


NEIGHBOURS = REFERENCE.parent / "borough_neighbours.csv"


@pytest.mark.parametrize("source", [GEOJSON, SHAPEFILE])
def test_the_committed_neighbours_are_the_borders_in_both_official_files(source: str, tmp_path: Path) -> None:
    """data/reference/borough_neighbours.csv is what `boundaries neighbours` works out from either boundary file:
    every pair both ways round, each borough with a neighbour, names as boroughs.csv spells them."""
    out = tmp_path / "neighbours.csv"
    result = CliRunner().invoke(cli, ["boundaries", "neighbours", str(real_file(source)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "68 pairs" in result.output
    assert out.read_bytes() == NEIGHBOURS.read_bytes()
    table = pd.read_csv(NEIGHBOURS)
    pairs = set(zip(table["borough_code"], table["neighbour_code"], strict=True))
    assert all((b, a) in pairs for a, b in pairs) and all(a != b for a, b in pairs)
    assert set(table["borough_code"]) == set(geo.LONDON_CODES)
    names = dict(pd.read_csv(REFERENCE)[["borough_code", "borough_name"]].itertuples(index=False))
    assert (table["neighbour_name"] == table["neighbour_code"].map(names)).all()
    # Known borders, and the Thames: Westminster and Lambeth face each other across it but do not meet on land.
    assert {("E09000007", "E09000033"), ("E09000022", "E09000028"), ("E09000006", "E09000022")} <= pairs
    assert ("E09000033", "E09000022") not in pairs


def test_neighbours_are_shapes_that_touch() -> None:
    squares = gpd.GeoDataFrame(
        {"borough_code": ["E09000001", "E09000002", "E09000003", "E09000004"]},
        geometry=[
            box(0, 0, 1000, 1000),
            box(1000, 0, 2000, 1000),  # a shared edge
            box(2000 + geo.NEIGHBOUR_METRES / 2, 0, 3000, 1000),  # a sliver apart
            box(0, 1100, 1000, 2000),
        ],
        crs=27700,
    )  # 100 m away: not a neighbour
    found = geo.borough_neighbours(squares)
    assert list(found.itertuples(index=False, name=None)) == [
        ("E09000001", "E09000002"),
        ("E09000002", "E09000001"),
        ("E09000002", "E09000003"),
        ("E09000003", "E09000002"),
    ]


def test_geographic_map_figure_has_all_33_boroughs(sample_con) -> None:
    boundaries = geo.read_boundaries(real_file(GEOJSON))
    df = _measures(sample_con)
    df.loc[df["borough_code"] == "E09000010", "tech_spend_gbp"] = None  # Enfield: no data
    fig = maps.geographic_map_figure(boundaries, df, "tech_spend_gbp", title="t", coverage="population")
    assert {t.type for t in fig.data} == {"choroplethmap"}
    located = [code for trace in fig.data for code in trace.locations]
    assert sorted(located) == list(geo.LONDON_CODES)
    assert list(fig.data[-1].locations) == ["E09000010"] and fig.data[-1].showscale is False  # grey, no data
    assert fig.layout.map.style == "white-bg"  # blank background: nothing fetched from the internet
    assert fig.layout.coloraxis.colorbar.title.text == label("tech_spend_gbp")
    assert any(maps.ATTRIBUTION in a.text.replace("<br>", " ") for a in fig.layout.annotations)  # wrapped for phones
    features = {f["properties"]["borough_code"] for f in fig.data[0].geojson["features"]}
    assert features == set(geo.LONDON_CODES)


def test_tile_map_has_33_tiles_at_their_positions(sample_con) -> None:
    df = _measures(sample_con)
    df.loc[df["borough_code"] == "E09000001", "tech_spend_gbp"] = None
    fig = maps.tile_map_figure(df, "tech_spend_gbp", title="t")
    tiles = fig.data[2]
    positions = dict(zip(tiles.customdata[:, 0], zip(tiles.x, tiles.y, strict=True), strict=True))
    reference = pd.read_csv(REFERENCE)
    assert positions == {r.borough_code: (r.tile_col, r.tile_row) for r in reference.itertuples()}
    assert len(set(positions.values())) == 33  # no two boroughs share a square
    grid, blank = fig.data[1].z, fig.data[0].z
    for r in df.itertuples():
        if pd.isna(r.tech_spend_gbp):
            assert blank[r.tile_row][r.tile_col] == 1 and grid[r.tile_row][r.tile_col] is None
        else:
            assert grid[r.tile_row][r.tile_col] == pytest.approx(r.tech_spend_gbp)
    assert "no data" in tiles.hovertext[list(tiles.customdata[:, 0]).index("E09000001")]
    assert fig.data[1].colorscale[0][1] != fig.data[0].colorscale[0][1]
    assert fig.data[1].colorbar.title.text == label("tech_spend_gbp")


def _contrast(a: str, b: str) -> float:
    la, lb = maps._luminance(maps._rgb(a)), maps._luminance(maps._rgb(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_tile_labels_contrast_with_their_squares(sample_con) -> None:
    df = _measures(sample_con)
    fig = maps.tile_map_figure(df, "tech_spend_gbp", title="t")
    backgrounds = maps._scale_colours(df["tech_spend_gbp"])
    for text_colour, background in zip(fig.data[2].textfont.color, backgrounds, strict=True):
        assert _contrast(text_colour, background) >= 4.5, (text_colour, background)


def test_one_outlier_does_not_flatten_the_colour_scale() -> None:
    values = pd.Series([10.0, 12.0, 14.0, 16.0, 90.0])
    assert maps.colour_range(values) == (10.0, 16.0, True)
    assert maps.colour_range(pd.Series([10.0, 12.0, 20.0])) == (10.0, 20.0, False)
    bar = maps.colour_bar(values, "tech_spend_per_resident_gbp")
    assert bar["ticktext"][-1] == "£16.00 or more"


# --- boundaries fetch, against a local server ---------------------------------------------------------------


def _synthetic_collection(drop: int = 0) -> dict:
    """33 squares at the tile positions, with ArcGIS-style LAD24CD/LAD24NM properties, in WGS84."""
    rows = pd.read_csv(REFERENCE).iloc[drop:]
    features = [
        {
            "type": "Feature",
            "properties": {"LAD24CD": r.borough_code, "LAD24NM": r.borough_name},
            "geometry": box(
                -0.5 + r.tile_col * 0.1,
                51.65 - r.tile_row * 0.06 - 0.05,
                -0.5 + r.tile_col * 0.1 + 0.09,
                51.65 - r.tile_row * 0.06,
            ).__geo_interface__,
        }
        for r in rows.itertuples()
    ]
    return {"type": "FeatureCollection", "features": features}


ROUTES = {
    "/query": json.dumps(_synthetic_collection()).encode(),
    "/partial": json.dumps(_synthetic_collection(drop=1)).encode(),
    "/error": json.dumps({"error": {"code": 400, "message": "Invalid or missing input parameters."}}).encode(),
    "/html": b"<html><body>Service unavailable</body></html>",
    "/truncated": json.dumps({**_synthetic_collection(), "properties": {"exceededTransferLimit": True}}).encode(),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server calls
        body = ROUTES.get(self.path.split("?")[0])
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _fetch(url: str, out: Path):
    return CliRunner().invoke(cli, ["boundaries", "fetch", "--url", url, "--out", str(out), "--timeout", "5"])


def test_fetch_saves_valid_boundaries_and_says_how_to_use_them(server: str, tmp_path: Path) -> None:
    out = tmp_path / "boundaries" / "london.geojson"
    result = _fetch(f"{server}/query?where=LAD24CD%20LIKE%20%27E09%25%27&outSR=4326&f=geojson", out)
    assert result.exit_code == 0, result.output
    assert "Saved 33 London borough boundaries" in result.output
    assert f"LOTI_DEMAND_BOUNDARIES={out}" in result.output
    assert sorted(geo.read_boundaries(out)["borough_code"]) == list(geo.LONDON_CODES)
    assert [p.name for p in out.parent.iterdir()] == ["london.geojson"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("/partial", "returned 32 of the 33 London boroughs; missing: E09000001"),
        ("/error", "answered with an error: Invalid or missing input parameters"),
        ("/html", "did not return JSON"),
        ("/truncated", "exceededTransferLimit"),
        ("/nowhere", "HTTP 404"),
    ],
)
def test_fetch_rejects_bad_answers_and_keeps_the_old_file(
    server: str, tmp_path: Path, route: str, message: str
) -> None:
    out = tmp_path / "london.geojson"
    out.write_text("previous download")
    result = _fetch(f"{server}{route}", out)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert out.read_text() == "previous download"


def test_fetch_offline_fails_fast_with_a_clear_message(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port with nothing listening: what "no connection" looks like
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    result = _fetch(f"http://127.0.0.1:{port}/query", tmp_path / "x.geojson")
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert "could not reach 127.0.0.1" in result.output and "are you offline?" in result.output
    assert "geoportal.statistics.gov.uk" in result.output and "LOTI_DEMAND_BOUNDARIES" in result.output
    assert not (tmp_path / "x.geojson").exists()


def test_the_default_url_asks_ons_for_london_as_geojson_in_wgs84() -> None:
    from loti_demand import config

    url = config.get("boundaries_url")
    assert url.startswith("https://services1.arcgis.com/") and "/FeatureServer/0/query?" in url
    assert "LIKE%20%27E09%25%27" in url and "outSR=4326" in url and "f=geojson" in url
