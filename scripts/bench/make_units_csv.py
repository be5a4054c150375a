"""Writes N generated units (valid tax codes, points spread over the demo area) as an `econgis import units` CSV.
The benchmarks' shared data: scripts/bench/import and scripts/bench/serve. Usage: make_units_csv.py N PATH"""
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
random.seed(7)
w = [31, 29, 23, 19, 17, 13, 7, 5, 3]
names = ["Tạp hóa", "Quán cơm", "Tiệm vàng", "Nhà thuốc", "Cà phê", "Tiệm tóc"]
with open(path, "w", encoding="utf-8") as f:
    f.write("code,name,kind,vsic,owner,address,lon,lat,status,registered_on\n")
    seen = set(); i = 0
    while i < n:
        d = [0, 3] + [random.randint(0, 9) for _ in range(7)]
        r = sum(a * b for a, b in zip(w, d)) % 11
        if r == 0 or 10 - r > 9: continue
        code = "".join(map(str, d)) + str(10 - r)
        if code in seen: continue
        seen.add(code); i += 1
        lon = 106.6360 + random.random() * 0.024; lat = 10.7540 + random.random() * 0.022
        f.write(f"{code},{random.choice(names)} {i},enterprise,4711,Nguyễn Văn {i},{i} Lạc Long Quân,{lon:.7f},{lat:.7f},active,2020-01-0{1 + i % 9}\n")
