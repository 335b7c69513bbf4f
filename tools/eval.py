#!/usr/bin/env python3
"""eval.py: score the pattern engine on a JSONL request set.

Runs build/rel/tools/match_eval (in-process, no CLI) over the set and
applies each request's `accept` regexp with re.search to the linux and
macos answers. Prints accuracy (correct/all) per platform, precision
(correct/answered), declines, and every miss.

  python3 tools/eval.py [--shared ../shared] [--set eval/dev_nl.jsonl]
                        [--bin build/rel/tools/match_eval] [--json out.json]
Exit status is 1 when a bar is missed (--bar), 0 otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("CARO_SHARED", "../shared"))
    ap.add_argument("--set", default="eval/dev_nl.jsonl")
    ap.add_argument("--bin", default="build/rel/tools/match_eval")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--bar", action="store_true",
                    help="fail unless accuracy >= 90%%, precision >= 97%%, all declines")
    ap.add_argument("--quiet", action="store_true", help="figures only, no misses")
    args = ap.parse_args()

    path = os.path.join(args.shared, args.set)
    with open(path) as f:
        items = {}
        for line in f:
            line = line.strip()
            if line:
                d = json.loads(line)
                items[d["id"]] = d
    out = subprocess.run([args.bin, path], check=True, capture_output=True, text=True).stdout
    got = {}
    for line in out.splitlines():
        d = json.loads(line)
        got[d["id"]] = d

    figures = {}
    misses = []
    for plat in ("linux", "macos"):
        correct = answered = declines_ok = declines = 0
        for id_, it in items.items():
            ans = got.get(id_, {}).get(plat)
            acc = it.get("accept")
            if acc is None:
                declines += 1
                if ans is None:
                    declines_ok += 1
                    correct += 1
                else:
                    misses.append((plat, id_, it["query"], ans, "should decline",
                                   got[id_].get(plat + "_intent")))
                continue
            if ans is None:
                misses.append((plat, id_, it["query"], None, it[plat], None))
                continue
            answered += 1
            if re.search(acc, ans):
                correct += 1
            else:
                misses.append((plat, id_, it["query"], ans, it[plat],
                               got[id_].get(plat + "_intent")))
        n = len(items)
        answered_all = answered + (declines - declines_ok)
        ok_answers = correct - declines_ok
        figures[plat] = {
            "accuracy": correct / n,
            "precision": ok_answers / answered_all if answered_all else 1.0,
            "correct": correct,
            "total": n,
            "answered": answered_all,
            "declines_correct": declines_ok,
            "declines": declines,
        }

    if not args.quiet:
        for plat, id_, q, ans, ref, intent in misses:
            kind = "DECLINED" if ans is None else "WRONG"
            print(f"{kind:8} {plat:5} {id_} {q!r}\n         got: {ans}  [{intent}]\n"
                  f"         ref: {ref}")
    for plat, fg in figures.items():
        print(f"{plat:5}: accuracy {fg['accuracy']:.1%} ({fg['correct']}/{fg['total']}), "
              f"precision {fg['precision']:.1%} (of {fg['answered']} answered), "
              f"declines {fg['declines_correct']}/{fg['declines']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)
    if args.bar:
        for fg in figures.values():
            if fg["accuracy"] < 0.90 or fg["precision"] < 0.97 or \
                    fg["declines_correct"] != fg["declines"]:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
