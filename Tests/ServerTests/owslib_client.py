"""OWSLib (PyPI) as an OGC API - Features client of `econgis serve`: every endpoint and every items parameter.

Usage: owslib_client.py BASE_URL EXPECTED_UNITS. Prints one line per check; exits 1 if any fails.
"""
import re
import sys
import unicodedata

from owslib.ogcapi.features import Features

base, expected_units = sys.argv[1], int(sys.argv[2])
failures = []
checks = 0


VIETNAMESE = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def letters(name):
    """A name's letters in Vietnamese alphabetical order, tones and case left out, as the server sorts names first:
    ă and â after a, đ after d, ê after e, ô and ơ after o, ư after u; numbers by value; a word break before any letter."""
    key = []
    for part in re.findall(r"\d+|\w|\W+", unicodedata.normalize("NFC", name.lower())):
        if part.isdigit():
            key.append((1, int(part)))
        elif part.isalpha():
            base = unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", part) if c not in TONES))
            key.append((2, VIETNAMESE.index(base)) if base in VIETNAMESE else (3, ord(base[0])))
        elif key:
            key.append((0, 0))
    while key and key[-1] == (0, 0):
        key.pop()
    return key


def check(ok, what):
    global checks
    checks += 1
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


w = Features(base)
check(any(l.get("rel") == "service-desc" for l in w.links), "landing page links to the API definition")
api = w.api()
check(api.get("openapi", "").startswith("3.0") and "/collections/{collectionId}/items" in api["paths"], "api(): OpenAPI 3.0 with the items path")
check("$ref\": \"http" not in str(api) and "'$ref': 'http" not in str(api), "api(): no remote $ref")
conformance = w.conformance()["conformsTo"]
check("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conformance, "conformance(): Part 1 Core")
ids = [c["id"] for c in w.collections()["collections"]]
check(ids == ["units", "markets", "stalls", "instruments", "due", "wards", "inspections"], f"collections(): {ids}")
check(w.feature_collections() == ids, "feature_collections()")
for cid in ids:
    c = w.collection(cid)
    check(c["id"] == cid and "extent" in c and c["storageCrs"].endswith("CRS84"), f"collection({cid})")
    q = w.collection_queryables(cid)
    check("geometry" in q["properties"], f"collection_queryables({cid})")
    page = w.collection_items(cid, limit=3)
    check(page["numberReturned"] == len(page["features"]) <= 3 and page["numberMatched"] >= len(page["features"]), f"collection_items({cid}, limit=3)")
    if page["features"]:
        fid = page["features"][0]["id"]
        check(w.collection_item(cid, str(fid))["id"] == fid, f"collection_item({cid}, {fid})")

units = w.collection_items("units", limit=1)
check(units["numberMatched"] == expected_units, f"units numberMatched {units['numberMatched']} == {expected_units}")
offset = w.collection_items("units", limit=2, offset=1)
first_two = w.collection_items("units", limit=3)
check([f["id"] for f in offset["features"]] == [f["id"] for f in first_two["features"][1:]], "offset")
box = [106.64, 10.75, 106.66, 10.77]
inside = w.collection_items("units", bbox=box, limit=1000)
check(inside["numberReturned"] > 0 and all(box[0] <= f["geometry"]["coordinates"][0] <= box[2] and box[1] <= f["geometry"]["coordinates"][1] <= box[3]
                                           for f in inside["features"]), "bbox")
old = w.collection_items("wards", datetime_="2024-06-01", limit=100)
new = w.collection_items("wards", limit=100)
check(old["numberMatched"] == 16 and new["numberMatched"] == 4, f"datetime selects the ward period: {old['numberMatched']} then, {new['numberMatched']} now")
names = [f["properties"]["name"] for f in w.collection_items("units", sortby=("name", "desc"), limit=50)["features"]]
check(names == sorted(names, key=letters, reverse=True) and names != sorted(names, reverse=True), "sortby descending, in Vietnamese order")
props = w.collection_items("units", properties="code,name", limit=5)["features"]
check(all(set(f["properties"]) == {"code", "name"} for f in props), "properties")
markets = w.collection_items("units", kind="market", limit=100)
check(markets["numberMatched"] > 0 and all(f["properties"]["kind"] == "market" for f in markets["features"]), "property filter kind")
found = w.collection_items("units", q="cho", limit=100)
check(found["numberMatched"] > 0 and all("chợ" in (f["properties"]["name"] + " " + (f["properties"]["address"] or "")).lower() or "cho" in f["properties"]["code"].lower()
                                        for f in found["features"]), "q ignores diacritics")
filtered = w.collection_items("units", filter="kind = 'market'", limit=100)
check(filtered["numberMatched"] == markets["numberMatched"], "filter (cql2-text)")
json_filter = w.collection_items("units", **{"filter-lang": "cql2-json", "filter": '{"op":"=","args":[{"property":"kind"},"market"]}'}, limit=100)
check(json_filter["numberMatched"] == markets["numberMatched"], "filter (cql2-json)")
utm = w.collection_items("units", crs="http://www.opengis.net/def/crs/EPSG/0/3405", limit=1)
x, y = utm["features"][0]["geometry"]["coordinates"]
check(600000 < x < 800000 and 1100000 < y < 1300000, f"crs EPSG:3405: {x}, {y}")
check(w.response_headers.get("Content-Crs") == "<http://www.opengis.net/def/crs/EPSG/0/3405>", "Content-Crs")
nxt = next(l["href"] for l in units["links"] if l["rel"] == "next")
check("cursor=" in nxt, "next link carries a cursor")
second = w.collection_items("units", limit=1, offset=1)
prev = [l["href"] for l in second["links"] if l["rel"] == "prev"]
check(len(prev) == 1 and "offset=0" in prev[0], f"prev link: {prev}")
epsg4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
lat_first = w.collection_items("units", bbox=[10.75, 106.64, 10.77, 106.66], **{"bbox-crs": epsg4326}, limit=1)
check(lat_first["numberMatched"] == inside["numberMatched"], f"bbox-crs EPSG:4326 (latitude first): {lat_first['numberMatched']} == {inside['numberMatched']}")
in_filter = w.collection_items("units", filter="S_INTERSECTS(geometry, BBOX(10.75,106.64,10.77,106.66))", **{"filter-crs": epsg4326}, limit=1)
check(in_filter["numberMatched"] == inside["numberMatched"], f"filter-crs EPSG:4326: {in_filter['numberMatched']} == {inside['numberMatched']}")
active = w.collection_items("units", status="active", limit=100)
check(active["numberMatched"] > 0 and all(f["properties"]["status"] == "active" for f in active["features"]), "property filter status")
most = w.collection_items("units", limit=20000)
check(most["numberReturned"] == min(most["numberMatched"], 10000), f"limit above 10 000 answers the maximum: {most['numberReturned']} of {most['numberMatched']}")
try:
    w.collection_items("units", bbox=[1, 2, 3])
    check(False, "a bad bbox is refused")
except RuntimeError as e:
    check("InvalidParameterValue" in str(e), "a bad bbox is refused with an OGC exception")

print(f"{checks} checks, {len(failures)} failed")
sys.exit(1 if failures else 0)
