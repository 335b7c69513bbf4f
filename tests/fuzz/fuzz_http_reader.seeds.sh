#!/bin/sh
# fuzz_http_reader.seeds.sh SHARED OUTDIR: llama-server's real responses
# (status line, headers, body), with chunked ones encoded as sent.
set -eu
mkdir -p "$2"
for h in "$1"/fixtures/http/llama-server/*.headers.txt; do
	[ -f "$h" ] || continue
	n=$(basename "$h" .headers.txt)
	body=$(ls "$1/fixtures/http/llama-server/$n".body.* | head -n 1)
	{
		cat "$h"
		if grep -qi '^transfer-encoding: *chunked' "$h"; then
			printf '%x\r\n' "$(wc -c <"$body")"
			cat "$body"
			printf '\r\n0\r\n\r\n'
		else
			cat "$body"
		fi
	} >"$2/$n"
done
