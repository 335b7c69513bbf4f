#!/bin/sh
# fuzz_sse.seeds.sh SHARED OUTDIR: llama-server's real event streams.
set -eu
mkdir -p "$2"
for f in "$1"/fixtures/http/llama-server/*.sse; do
	[ -f "$f" ] && cp "$f" "$2/$(basename "$f")"
done
exit 0
