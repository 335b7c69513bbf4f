#!/usr/bin/env bats
# The CLI contract: options, exit codes, stdout hygiene and bad input.
load helpers

@test "--version and version print the version" {
	run "$CARO" --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^caro\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run "$CARO" version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^caro\ [0-9] ]]
}

@test "--help lists every option and command" {
	run "$CARO" --help
	[ "$status" -eq 0 ]
	for o in --output --backend --platform --shell --execute --yes --dry-run --safety \
		--explain --candidates --no-cache --verbose --config --version --help; do
		[[ "$output" == *"$o"* ]] || { echo "missing $o"; false; }
	done
	for c in check config doctor version; do
		[[ "$output" == *"  $c "* ]] || { echo "missing $c"; false; }
	done
}

@test "a request prints only the command on stdout" {
	run --separate-stderr "$CARO" "find python files modified in the last 7 days"
	[ "$status" -eq 0 ]
	[ "$output" = "find . -type f -name '*.py' -mtime -7" ]
	cmd=$("$CARO" "find python files modified in the last 7 days" 2>/dev/null)
	[ "$cmd" = "find . -type f -name '*.py' -mtime -7" ]
}

@test "the request may come from stdin when no words are given" {
	run --separate-stderr "$CARO" <<<"list files in /tmp"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ls\ (-[a-zA-Z1]+\ )*/tmp$ ]]
}

@test "words after -- are the request, even when they look like options" {
	run --separate-stderr "$CARO" -o json -- list files -o json
	[ "$(jget request)" = "list files -o json" ]
}

@test "options may follow the request words" {
	run --separate-stderr "$CARO" what is using port 5432 -o json --platform macos
	[ "$status" -eq 0 ]
	[[ "$(jget command)" == *lsof*5432* ]]
	[ "$(jget platform)" = macos ]
}

@test "--output json prints one object with every contract field" {
	run --separate-stderr "$CARO" -o json "list files in /tmp"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 1 ]
	jcheck 'j["request"] == "list files in /tmp" and j["command"].startswith("ls ")'
	jcheck 'isinstance(j["candidates"], list)'
	jcheck 'isinstance(j["explanation"], str) and j["backend"] == "match"'
	jcheck 'j["risk"] in ("safe","moderate","high","critical") and j["blocked"] is False'
	jcheck 'isinstance(j["reasons"], list)'
	jcheck 'j["platform"] in ("linux","macos","freebsd") and j["shell"] == "bash"'
	jcheck 'j["cached"] is False'
	jcheck 'all(isinstance(j["timing_ms"][k], (int, float)) and j["timing_ms"][k] >= 0 for k in ("total","generate","check"))'
	jcheck 'j["timing_ms"]["total"] >= j["timing_ms"]["generate"]'
}

@test "--platform picks GNU or BSD flags" {
	run --separate-stderr "$CARO" --platform linux "sha256 checksum of app.iso"
	[ "$status" -eq 0 ]
	[ "$output" = "sha256sum app.iso" ]
	run --separate-stderr "$CARO" --platform macos "sha256 checksum of app.iso"
	[ "$status" -eq 0 ]
	[ "$output" = "shasum -a 256 app.iso" ]
	run --separate-stderr "$CARO" --platform freebsd -o json "sha256 checksum of app.iso"
	[ "$(jget platform)" = freebsd ]
	run "$CARO" --platform windows "list files"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--platform"*"windows"* ]]
}

@test "--shell is reported and validated" {
	run --separate-stderr "$CARO" --shell zsh -o json "list files"
	[ "$(jget shell)" = zsh ]
	run "$CARO" --shell tcsh "list files"
	[ "$status" -eq 2 ]
}

@test "a request nothing can answer is declined with exit 3 and a null command" {
	run --separate-stderr "$CARO" "write me a poem about the sea"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"no command"* ]]
	run --separate-stderr "$CARO" -o json "write me a poem about the sea"
	[ "$status" -eq 3 ]
	jcheck 'j["command"] is None and j["candidates"] == [] and j["blocked"] is False'
	jcheck 'isinstance(j["error"], str) and len(j["error"]) > 0'
}

@test "engines missing from this build report not available" {
	run --separate-stderr "$CARO" -b openai "list files"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"openai"*"not"* ]]
	run "$CARO" -b nosuch "list files"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--backend"*"expected one of"* ]]
	run --separate-stderr "$CARO" -b match -o json "list files"
	[ "$status" -eq 0 ]
	[ "$(jget backend)" = match ]
}

@test "bad input: empty, huge, binary, invalid UTF-8, unknown option" {
	run "$CARO" ""
	[ "$status" -eq 2 ]
	[[ "$output" == *"empty"* ]]
	run "$CARO" "   "
	[ "$status" -eq 2 ]
	run bash -c 'head -c 1048576 /dev/zero | tr "\0" a | "$CARO"'
	[ "$status" -eq 2 ]
	[[ "$output" == *"too long"* ]]
	run bash -c 'printf "list\0files" | "$CARO"'
	[ "$status" -eq 2 ]
	[[ "$output" == *"binary"* ]]
	run "$CARO" "$(printf 'list \xff\xfe files')"
	[ "$status" -eq 2 ]
	[[ "$output" == *"UTF-8"* ]]
	run "$CARO" --frobnicate "list files"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--frobnicate'"* ]]
	run "$CARO" -Q "list files"
	[ "$status" -eq 2 ]
	run "$CARO" --output
	[ "$status" -eq 2 ]
	[[ "$output" == *"needs a value"* ]]
	run "$CARO" --dry-run=yes "list files"
	[ "$status" -eq 2 ]
	run "$CARO" -n 0 "list files"
	[ "$status" -eq 2 ]
	run "$CARO" -n abc "list files"
	[ "$status" -eq 2 ]
}

@test "a broken config file names the file, line and key" {
	mkdir -p "$XDG_CONFIG_HOME/caro"
	printf 'backend = "auto"\nsafety = "extreme"\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	run "$CARO" "list files"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.toml:2: safety: expected one of strict, moderate, permissive"* ]]
	printf '[ollama\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	run "$CARO" "list files"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.toml: line 1:"* ]]
	head -c 3000 /dev/urandom >"$XDG_CONFIG_HOME/caro/config.toml"
	run "$CARO" "list files"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.toml"* ]]
	run "$CARO" --config /nonexistent/caro.toml "list files"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "unknown config keys warn but the request still works" {
	mkdir -p "$XDG_CONFIG_HOME/caro"
	printf 'safty = "strict"\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	run --separate-stderr "$CARO" "list files"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ls\  ]]
	[[ "$stderr" == *"unknown key 'safty' (did you mean 'safety'?)"* ]]
}

@test "an unwritable cache dir warns and the request still works" {
	mkdir -p "$HOME/ro"
	chmod 500 "$HOME/ro"
	export XDG_CACHE_HOME="$HOME/ro/cache"
	if [ "$(id -u)" = 0 ]; then
		# root ignores permissions: use a path under a regular file instead
		touch "$HOME/file"
		export XDG_CACHE_HOME="$HOME/file/cache"
	fi
	run --separate-stderr "$CARO" "list files"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ls\  ]]
	[[ "$stderr" == *"cache"* ]]
}

@test "platform facts are cached in the cache dir" {
	run "$CARO" --platform auto "list files"
	[ "$status" -eq 0 ]
	[ -f "$XDG_CACHE_HOME/caro/platform" ]
	grep -q '^os=linux$' "$XDG_CACHE_HOME/caro/platform"
	grep -q '^bsd=' "$XDG_CACHE_HOME/caro/platform"
}

@test "-v writes diagnostics to stderr only" {
	run --separate-stderr "$CARO" -v "list files"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ls\  ]]
	[[ "$stderr" == *"match answered"* ]]
}

@test "colours: none off a terminal, on with color=always, never with NO_COLOR" {
	run --separate-stderr "$CARO" -v "list files"
	[[ "$stderr" == *"caro: info:"* ]]
	[[ "$stderr" != *$'\e['* ]]
	CARO_COLOR=always run --separate-stderr "$CARO" -v "list files"
	[[ "$stderr" == *$'\e['* ]]
	[[ "$output" != *$'\e['* ]]
	NO_COLOR=1 run --separate-stderr "$CARO" -v "list files"
	[[ "$stderr" != *$'\e['* ]]
}
