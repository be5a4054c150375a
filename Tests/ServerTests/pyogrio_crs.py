"""GDAL 3.12 (PyPI pyogrio's own build) reads `econgis serve` in EPSG:3405 with a bbox in EPSG:3405; the points and
the features selected must agree with PROJ's cs2cs within 1 cm.

Usage: pyogrio_crs.py BASE_URL CS2CS. Prints one line per check; exits 1 if any fails."""
import json
import struct
import subprocess
import sys
import urllib.request

import pyogrio.raw

base, cs2cs = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def to_3405(points):
    """(lon, lat) pairs to EPSG:3405 (easting, northing) by cs2cs."""
    text = "\n".join(f"{lon!r} {lat!r}" for lon, lat in points) + "\n"
    out = subprocess.run([cs2cs, "-f", "%.4f", "+proj=longlat", "+datum=WGS84", "+to", "EPSG:3405"],
                         input=text, capture_output=True, text=True, check=True).stdout
    return [tuple(map(float, line.split()[:2])) for line in out.strip().splitlines()]


def get(path):
    with urllib.request.urlopen(base + path) as r:
        return json.load(r)


# Every unit in CRS84, projected by cs2cs: the reference.
units = []
url = "/collections/units/items?limit=10000&properties=code"
while url:
    page = get(url)
    units += [(f["id"], f["geometry"]["coordinates"]) for f in page["features"] if f["geometry"]]
    url = next((l["href"].replace(base, "") for l in page["links"] if l["rel"] == "next"), None)
projected = dict(zip([i for i, _ in units], to_3405([c for _, c in units])))
(cx, cy), = to_3405([(106.648, 10.765)])
box = (cx - 400, cy - 400, cx + 400, cy + 400)
expected = {i for i, (x, y) in projected.items() if box[0] <= x <= box[2] and box[1] <= y <= box[3]}

meta, fids, geometry, fields = pyogrio.raw.read("OAPIF:" + base, layer="units", bbox=box, return_fids=True, CRS="EPSG:3405")
check(meta["crs"] in ("EPSG:3405",) or "3405" in str(meta["crs"]), f"layer CRS {meta['crs']}")
read = {}
for fid, wkb in zip(fids, geometry):
    order = "<" if wkb[0] == 1 else ">"
    read[int(fid)] = struct.unpack(order + "dd", wkb[5:21])
# Points on the box's edge within a centimetre may fall either side of it: leave them out of the comparison.
edge = {i for i, (x, y) in projected.items()
        if min(abs(x - box[0]), abs(x - box[2]), abs(y - box[1]), abs(y - box[3])) < 0.01}
check(len(expected) > 20, f"{len(expected)} units in the 800 m box by cs2cs")
check(set(read) - edge == expected - edge, f"pyogrio read {len(read)} features in the EPSG:3405 bbox; cs2cs says {len(expected)}")
worst = max((max(abs(x - projected[i][0]), abs(y - projected[i][1])) for i, (x, y) in read.items()), default=1e9)
check(worst < 0.01, f"coordinates within 1 cm of cs2cs (worst {worst * 1000:.1f} mm)")
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
