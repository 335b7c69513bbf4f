#!/usr/bin/env python3
"""explain_coverage.py CARO [SHARED]: how much of the dev sets' commands
caro explain finds in its table.

Every command of SHARED/eval/dev_nl.jsonl (its linux and macos answers, for
that platform) and of SHARED/eval/dev_safety.tsv (for linux) is explained
with `CARO explain -o json`; the program and option items are counted, and
those the table does not know are listed, most frequent first. The sets are
read at run time, never copied into the repository.
"""
import collections
import json
import subprocess
import sys


def commands(shared):
    with open(shared + "/eval/dev_nl.jsonl") as f:
        for line in f:
            j = json.loads(line)
            for plat in ("linux", "macos"):
                if j.get(plat):
                    yield plat, j[plat]
    with open(shared + "/eval/dev_safety.tsv") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and len(fields) >= 2:
                yield "linux", fields[1]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    caro, shared = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "../shared"
    unknown = collections.Counter()
    total = failed = n = 0
    for plat, cmd in commands(shared):
        n += 1
        r = subprocess.run([caro, "explain", "-o", "json", "--platform", plat, "--", cmd],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failed += 1
            print("cannot explain (%s): %r: %s" % (plat, cmd, r.stderr.strip()))
            continue
        prog = {}
        for it in json.loads(r.stdout)["explain"]:
            if it["kind"] == "program":
                prog[it["depth"]] = it["text"]
            if it["kind"] in ("program", "option"):
                total += 1
                if not it["known"]:
                    unknown[(plat, prog.get(it["depth"], "?"), it["text"])] += 1
    known = total - sum(unknown.values())
    print(json.dumps({"commands": n, "failed": failed, "items": total, "known": known,
                      "known_pct": round(100.0 * known / max(total, 1), 1)}))
    for (plat, prog, text), count in unknown.most_common(30):
        print("%3d  %-6s %-14s %s" % (count, plat, prog, text))


main()
