#!/usr/bin/env python3
"""bench/report.py: gather every benchmark's output into build/bench.json
and print one table.

Inputs (whatever exists): build/bench.jsonl (one object per line from
proc_bench, local_bench, context_bench, sha256_bench and the callgrind
counts), build/bench-remote.jsonl (bench/remote_bench.sh), build/bench-match.json, build/bench-check.json,
build/bench-tok.json, build/bench-infer.json, and the size of ./caro.

Each figure becomes {"value", "unit", "better", ...}: for timings the
value is the median (p95, p99 and the number of runs ride along), so
bench/compare can put any two runs side by side.
"""
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, "build")


def read_json(name):
    try:
        with open(os.path.join(B, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    figs = {}

    def add(name, value, unit, better="lower", **extra):
        if value is None:
            return
        figs[name] = dict(value=round(float(value), 4), unit=unit, better=better, **extra)

    lines = []
    for name in ("bench.jsonl", "bench-remote.jsonl"):
        try:
            lines += open(os.path.join(B, name)).read().splitlines()
        except OSError:
            pass
    for line in lines:
        if not line.strip():
            continue
        o = json.loads(line)
        n = o.get("name", "?")
        if "p50_ms" in o:
            add(n, o["p50_ms"], "ms", p95=o.get("p95_ms"), p99=o.get("p99_ms"), runs=o.get("runs"))
            if o.get("rss_kb_max"):
                add(n + " [peak RSS]", o["rss_kb_max"] / 1024.0, "MB")
        elif "instructions" in o:
            add(n, o["instructions"], "instr")
        elif "openai_overhead_p50_ms" in o:
            for k in ("openai", "ollama", "openai_curl"):
                add(f"remote client overhead over the server, {k}", o.get(k + "_overhead_p50_ms"), "ms")
        elif "mb_per_s" in o:
            add(n, o["mb_per_s"], "MB/s", better="higher", runs=o.get("runs"))

    m = read_json("bench-match.json")
    if m:
        add("match_request per request (in-process)", m["median_us"], "us",
            p95=m["p95_us"], p99=m["p99_us"], runs=m["requests"] * m["reps"])
        add("match_request, 100 KB request", m.get("big_request_median_us"), "us")
    c = read_json("bench-check.json")
    if c:
        add("safety_check per command (in-process)", c["check_us"]["median"], "us",
            p95=c["check_us"]["p95"], p99=c["check_us"]["p99"], runs=c["calls"])
        add("safety_check, 1 MB command rejected", c.get("reject_1mb_us"), "us")
        add("safety_check, 10,000 nested parentheses", c.get("reject_10k_nested_parens_us"), "us")
    t = read_json("bench-tok.json")
    if t:
        for r in t.get("results", []):
            v = r.get("vocab", "?")
            if "encode_us" in r:
                add(f"tokenize per string, {v}", r["encode_us"]["p50"], "us",
                    p95=r["encode_us"].get("p95"), p99=r["encode_us"].get("p99"))
            if "tok_build_us" in r:
                add(f"tokenizer build, {v}", r["tok_build_us"]["p50"] / 1000.0, "ms")
    inf = read_json("bench-infer.json")
    if inf:
        # infer_bench.sh: one result per model file, one run per thread
        # setting (1, 2, auto), each with prompt (pp256) and decode (tg32)
        # medians; llama.cpp's figures for the same file ride along.
        for r in inf.get("results", []):
            label = r.get("label") or r.get("model") or "?"
            add(f"infer {label} load", r.get("load_ms"), "ms")
            add(f"infer {label} peak RSS", r.get("peak_rss_mb"), "MB")
            for run in r.get("runs", []):
                t = run.get("threads", "?")
                for key in ("pp256", "tg32"):
                    ref = r.get(f"llamacpp_{key}")
                    add(f"infer {label} {key} threads={t}", run.get(f"{key}_median"),
                        "tok/s", "higher", p95_low=run.get(f"{key}_p95_low"),
                        llamacpp=ref)
    lc = read_json("bench-llamacpp.json")
    side = []
    if lc:
        # bench/llamacpp_bench.sh: llama.cpp's prebuilt AVX2 build and caro
        # on the same files, process by process in turn, on this machine.
        for r in lc.get("results", []):
            label = r.get("label", "?")
            for eng in ("caro", "llamacpp"):
                e = r.get(eng) or {}
                add(f"vs llama.cpp: {label} {eng} load", e.get("load_ms"), "ms")
                for run in e.get("runs", []):
                    for key in ("pp256", "tg32"):
                        add(f"vs llama.cpp: {label} {eng} {key} threads={run.get('threads')}",
                            run.get(f"{key}_median"), "tok/s", "higher")
            runs = {eng: {x.get("threads"): x for x in (r.get(eng) or {}).get("runs", [])}
                    for eng in ("caro", "llamacpp")}
            for t in sorted(runs["caro"]):
                c, l = runs["caro"][t], runs["llamacpp"].get(t)
                if l:
                    side.append((label, t, c.get("pp256_median"), l.get("pp256_median"),
                                 c.get("tg32_median"), l.get("tg32_median")))
        for name, c in (lc.get("local_case") or {}).items():
            add(f"vs llama.cpp: issue-6 case {name}", c.get("p50_ms"), "ms", runs=c.get("runs"))
    caro = os.path.join(ROOT, "caro")
    if os.path.exists(caro):
        add("binary size ./caro", os.path.getsize(caro) / 1024.0, "KB")

    try:
        sha = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
    except OSError:
        sha = ""
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = []
    doc = {"generated": time.strftime("%Y-%m-%dT%H:%M:%S"), "git": sha,
           "machine": {"cpus": os.cpu_count(), "arch": platform.machine(), "load": load},
           "figures": figs}
    with open(os.path.join(B, "bench.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")

    print(f"\n{'figure':<60} {'p50':>11} {'p95':>9} {'p99':>9} {'runs':>7}")
    for name in sorted(figs):
        x = figs[name]
        p95 = f"{x['p95']:.4g}" if x.get("p95") is not None else ""
        p99 = f"{x['p99']:.4g}" if x.get("p99") is not None else ""
        runs = str(x.get("runs") or "")
        print(f"{name[:60]:<60} {x['value']:>7.4g} {x['unit']:<4}{p95:>8} {p99:>9} {runs:>7}")
    if side:
        print(f"\n{'model (same run)':<24} {'thr':>3} {'pp256 caro':>11} {'llama.cpp':>10} "
              f"{'tg32 caro':>10} {'llama.cpp':>10}")
        for label, t, cp, lp, ct, lt in side:
            print(f"{label:<24} {t:>3} {cp or 0:>11.1f} {lp or 0:>10.1f} {ct or 0:>10.1f} {lt or 0:>10.1f}")
    print(f"\nwrote build/bench.json ({len(figs)} figures; load {' '.join(load)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
