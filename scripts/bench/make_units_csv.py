"""Writes N generated units (valid, distinct tax codes) as an `econgis import units` CSV: the benchmarks' shared data
(scripts/bench/import, query and serve).

Usage: make_units_csv.py N PATH [--inside DB] [--outside SHARE]

Without --inside the points are spread over a box around the demo district. With --inside DB they lie in the
jurisdiction of the registry DB as SpatiaLite decides (the same ST_Intersects the import's check runs, through
sqlite3 and mod_spatialite), so none is refused for its location; --outside SHARE then puts that share of the rows
(0.2: every fifth) in the box around the district but outside it, rows an import refuses. A generated tax code that
a unit of DB already has (about 80 of the demo's in a million) updates that unit as another office's list would: its
kind and registration day are the registry's (a later day would be refused when the unit was inspected before it),
its name, address and point are new."""
import argparse
import os
import random
import subprocess
import sys
import tempfile

W = [31, 29, 23, 19, 17, 13, 7, 5, 3]
NAMES = ["Tạp hóa", "Quán cơm", "Tiệm vàng", "Nhà thuốc", "Cà phê", "Tiệm tóc"]
STREETS = ["Lạc Long Quân", "Bình Thới", "Đường 3 Tháng 2", "Lãnh Binh Thăng", "Minh Phụng", "Hàn Hải Nguyên"]


def tax_codes(rng):
    """Distinct 10-digit tax codes 03xxxxxxxC with a valid check digit, in random order."""
    seen = set()
    while True:
        d = [0, 3] + [rng.randint(0, 9) for _ in range(7)]
        r = sum(a * b for a, b in zip(W, d)) % 11
        if r == 0:  # check digit 10: no valid code
            continue
        code = "".join(map(str, d)) + str(10 - r)
        if code not in seen:
            seen.add(code)
            yield code


def spatialite(db, script):
    """Runs an SQL script through sqlite3 with mod_spatialite; the CSV rows it prints."""
    done = subprocess.run(["sqlite3", "-csv", "-batch", db], input=".load mod_spatialite\n" + script,
                          capture_output=True, text=True)
    if done.returncode != 0 or done.stderr.strip():
        sys.exit(f"make_units_csv.py: sqlite3 on {db} failed: {done.stderr.strip() or done.returncode}")
    return [line.split(",") for line in done.stdout.splitlines() if line]


def located_points(db, n_inside, n_outside, rng):
    """n_inside points inside the jurisdiction of db and n_outside in its box but outside it, in random order."""
    box = spatialite(db, "SELECT MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM jurisdiction WHERE id = 1;")
    if not box:
        sys.exit(f"make_units_csv.py: {db} has no jurisdiction (econgis init --demo loads one)")
    x0, y0, x1, y1 = map(float, box[0])
    inside, outside = [], []
    with tempfile.TemporaryDirectory() as tmp:
        candidates = os.path.join(tmp, "candidates.csv")
        while len(inside) < n_inside or len(outside) < n_outside:
            need = max(n_inside - len(inside), n_outside - len(outside))
            batch = [(round(rng.uniform(x0, x1), 7), round(rng.uniform(y0, y1), 7)) for _ in range(int(need * 1.6) + 100)]
            with open(candidates, "w") as f:
                f.writelines(f"{k},{x:.7f},{y:.7f}\n" for k, (x, y) in enumerate(batch))
            answers = spatialite(db, "CREATE TEMP TABLE c (k INTEGER PRIMARY KEY, x REAL, y REAL);\n"
                                     f".import --csv {candidates} c\n"
                                     "SELECT c.k, ST_Intersects(j.geom, MakePoint(c.x, c.y, 4326)) FROM c, jurisdiction j"
                                     " WHERE j.id = 1 ORDER BY c.k;\n")
            for k, hit in answers:
                (inside if hit == "1" else outside).append(batch[int(k)])
    points = [(p, True) for p in inside[:n_inside]] + [(p, False) for p in outside[:n_outside]]
    rng.shuffle(points)
    return points


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("path")
    parser.add_argument("--inside", metavar="DB")
    parser.add_argument("--outside", type=float, default=0.0, metavar="SHARE")
    args = parser.parse_args()
    rng = random.Random(7)
    if args.inside:
        n_outside = round(args.n * args.outside)
        points = [p for p, _ in located_points(args.inside, args.n - n_outside, n_outside, rng)]
    else:
        points = [(106.6360 + rng.random() * 0.024, 10.7540 + rng.random() * 0.022) for _ in range(args.n)]
    codes = tax_codes(rng)
    # The registry's units by code: a record meeting one keeps its kind and registration day.
    known = {code: (kind, day) for code, kind, day in spatialite(
        args.inside, "SELECT code, kind, coalesce(registered_on, '') FROM economic_units;")} if args.inside else {}
    with open(args.path, "w", encoding="utf-8") as f:
        f.write("code,name,kind,vsic,owner,address,lon,lat,status,registered_on\n")
        for i, (lon, lat) in enumerate(points, start=1):
            code = next(codes)
            kind, day = known.get(code, ("enterprise", f"20{10 + i % 15}-01-0{1 + i % 9}"))
            f.write(f"{code},{rng.choice(NAMES)} {i},{kind},4711,Nguyễn Văn {i},{i} {rng.choice(STREETS)},"
                    f"{lon:.7f},{lat:.7f},active,{day}\n")


if __name__ == "__main__":
    main()
