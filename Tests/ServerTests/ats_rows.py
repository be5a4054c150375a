# The rows of ../shared/ogc-conformance/cql2/ats_predicates.tsv as JSON, each filter also in cql2-json as the
# reference implementation (PyPI cql2, cql2-rs) writes it: [{line, class, collection, text, expected, json | error}].
import csv, json, sys
import cql2

rows = []
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for line, r in enumerate(csv.reader(f, delimiter="\t"), start=1):
        if line == 1 or not r:
            continue
        row = {"line": line, "class": r[0], "collection": r[2], "text": r[3], "expected": int(r[4])}
        try:
            row["json"] = json.dumps(cql2.parse_text(r[3]).to_json())
        except Exception as e:
            row["error"] = str(e)
        rows.append(row)
json.dump(rows, sys.stdout)
