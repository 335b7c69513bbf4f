#!/bin/sh
# fuzz_ndjson.seeds.sh SHARED OUTDIR: the Ollama fixtures in tests/data.
set -eu
mkdir -p "$2"
for f in tests/data/ollama/*.ndjson tests/data/ollama/*.json; do
	cp "$f" "$2/$(basename "$f")"
done
