#!/usr/bin/env python3
"""local_ab.py: two or more caro binaries on the local engine's bench case
(bench/local_bench.py's request, model and --bench-tokens 24), alternating
run by run so that the shared machine's noise hits all alike, with the
median wall and CPU time of each. For before/after figures of a change:

    git worktree add /tmp/caro-base BASE && make -C /tmp/caro-base caro
    bench/local_ab.py warm 20 /tmp/caro-base/caro ./caro
    bench/local_ab.py cold 10 /tmp/caro-base/caro ./caro

warm: the prompt-prefix cache of the previous run is there; cold: it is
deleted before each run. Each binary has its own private HOME.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUEST = "find the python files changed in the last 7 days and count their lines"


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("warm", "cold"):
        sys.exit("usage: local_ab.py warm|cold RUNS CARO...")
    mode, runs = sys.argv[1], int(sys.argv[2])
    bins = [os.path.abspath(b) for b in sys.argv[3:]]  # each runs in its own directory
    model = os.environ.get("MODEL", os.path.join(ROOT, "build/models/smollm2-135m-q8_0-chatml.gguf"))
    if not os.path.exists(model):
        sys.exit("local_ab: %s is missing (bench/local_bench.py writes it)" % model)
    homes = {b: tempfile.mkdtemp(prefix="caro-ab-") for b in bins}
    wall = {b: [] for b in bins}
    cpu = {b: [] for b in bins}

    def run(b):
        h = homes[b]
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARO_")}
        env.update(HOME=h, XDG_CACHE_HOME=h + "/cache", XDG_CONFIG_HOME=h + "/config",
                   XDG_DATA_HOME=h + "/data")
        os.makedirs(h + "/w", exist_ok=True)
        if mode == "cold":
            shutil.rmtree(h + "/cache/caro/kv", ignore_errors=True)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([b, "-b", "local", "-m", model, "-o", "json", "--bench-tokens", "24", REQUEST],
                       env=env, cwd=h + "/w", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (t1 - t0) * 1e3, (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e3

    try:
        for b in bins:  # page cache, and each binary's first prefix cache
            run(b)
        for i in range(runs):
            for b in (bins if i % 2 == 0 else bins[::-1]):
                w, c = run(b)
                wall[b].append(w)
                cpu[b].append(c)
    finally:
        for h in homes.values():
            shutil.rmtree(h, ignore_errors=True)
    print("load average %s; %s, %d runs each" % (" ".join(open("/proc/loadavg").read().split()[:3]),
                                                 mode, runs))
    base = statistics.median(wall[bins[0]])
    for b in bins:
        m = statistics.median(wall[b])
        print("%-44s wall p50 %7.1f ms (%.3f)  min %7.1f  cpu p50 %7.1f ms"
              % (b, m, m / base, min(wall[b]), statistics.median(cpu[b])))


if __name__ == "__main__":
    main()
