# helpers.bash: shared set-up for the CLI tests. Every test gets its own
bats_require_minimum_version 1.5.0
# HOME and XDG directories, so no test sees another's config or cache.

# The set-up every test gets; a file with a setup() of its own calls
# caro_setup (or setup_offline) first.
setup() {
	caro_setup
}

caro_setup() {
	: "${CARO:?set CARO to the caro binary (make test does)}"
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache" XDG_DATA_HOME="$HOME/.local/share"
	mkdir -p "$HOME"
	unset NO_COLOR VISUAL EDITOR OLLAMA_HOST OPENAI_API_KEY
	for v in $(env | sed -n 's/^\(CARO_[A-Z_]*\)=.*/\1/p'); do
		[ "$v" = CARO_SHARED ] || [ "$v" = CARO_TOOLS ] || unset "$v"
	done
	export SHELL=/bin/bash
}

# For tests that talk to a server: no proxy, CA bundle or token from the
# environment may steer the client (tests that want one set it).
setup_offline() {
	caro_setup
	unset http_proxy https_proxy all_proxy ALL_PROXY no_proxy NO_PROXY HTTPS_PROXY
	unset CURL_CA_BUNDLE HF_TOKEN HUGGING_FACE_HUB_TOKEN
}

# start_server DIR: tests/testserver.py on 127.0.0.1 (a free port, written
# to DIR/port; its pid in DIR/pid; it exits with this test file).
start_server() {
	mkdir -p "$1"
	python3 "$BATS_TEST_DIRNAME/../testserver.py" --port-file "$1/port" \
		--log "$1/log" --parent $$ 3>&- &
	echo $! >"$1/pid"
	for _ in $(seq 200); do
		[ -s "$1/port" ] && break
		sleep 0.05
	done
	[ -s "$1/port" ]
}

# jget PATH: a field of the JSON in $output (python3 json), printed as JSON
# for non-strings. PATH is dotted: timing_ms.total, reasons.0.rule
jget() {
	python3 -c '
import json, sys
v = json.loads(sys.argv[2])
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$output"
}

# jcheck EXPR: assert a Python expression over the parsed JSON `j`.
jcheck() {
	python3 -c '
import json, sys
j = json.loads(sys.argv[2])
ok = eval(sys.argv[1])
if not ok:
    print("JSON check failed:", sys.argv[1], file=sys.stderr)
    print(sys.argv[2], file=sys.stderr)
sys.exit(0 if ok else 1)
' "$1" "$output"
}

# cmd_for [OPTION...] REQUEST: the command caro gives for REQUEST, so tests
# do not depend on the engine's exact wording.
cmd_for() {
	"$CARO" --print-only "$@" 2>/dev/null
}

# re_quote TEXT: TEXT as a Python regular expression that matches it.
re_quote() {
	python3 -c 'import re, sys; print(re.escape(sys.argv[1]))' "$1"
}

# pty_run STEP... -- CMD...: run CMD on a pseudo-terminal and talk to it
# (steps: expect:REGEX, send:TEXT, close; see ptydrive.py). Every wait
# polls with a deadline.
pty_run() {
	NO_COLOR=1 python3 "$BATS_TEST_DIRNAME/ptydrive.py" "$@"
}

# in_pty INPUT CMD...: run CMD on a pseudo-terminal, typing INPUT.
in_pty() {
	local input=$1
	shift
	local cmd
	cmd=$(printf '%q ' "$@")
	{ sleep 0.3; printf "%b" "$input"; sleep 1; } | NO_COLOR=1 script -qefc "$cmd" /dev/null
}
