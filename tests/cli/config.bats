#!/usr/bin/env bats
# caro config get/set/show/path, and precedence: cli > env > file.
load helpers

@test "config set writes the file and get reads it back" {
	run "$CARO" config set safety strict
	[ "$status" -eq 0 ]
	[ -f "$XDG_CONFIG_HOME/caro/config.toml" ]
	grep -q '^safety = "strict"$' "$XDG_CONFIG_HOME/caro/config.toml"
	run "$CARO" config get safety
	[ "$output" = strict ]
	run "$CARO" config set ollama.model qwen2.5-coder:1.5b
	grep -q '^\[ollama\]$' "$XDG_CONFIG_HOME/caro/config.toml"
	run "$CARO" config get ollama.model
	[ "$output" = "qwen2.5-coder:1.5b" ]
}

@test "config set refuses bad values and unknown keys" {
	run "$CARO" config set safety extreme
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected one of"* ]]
	run "$CARO" config set candidates 11
	[ "$status" -eq 2 ]
	run "$CARO" config set no.such.key 1
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown key"* ]]
	[ ! -f "$XDG_CONFIG_HOME/caro/config.toml" ]
}

@test "precedence: command line over environment over file" {
	"$CARO" config set safety strict
	run "$CARO" config get safety
	[ "$output" = strict ]
	CARO_SAFETY=permissive run "$CARO" config get safety
	[ "$output" = permissive ]
	CARO_SAFETY=permissive run "$CARO" --safety moderate config get safety
	[ "$output" = moderate ]
}

@test "config show lists every key with its source and hides the API key" {
	"$CARO" config set candidates 3
	CARO_API_KEY=sk-very-secret run "$CARO" config show
	[ "$status" -eq 0 ]
	[[ "$output" == *"candidates"*"3"*"# file"* ]]
	[[ "$output" == *"openai.api_key"*"(set, hidden)"*"# env"* ]]
	[[ "$output" != *sk-very-secret* ]]
	CARO_API_KEY=sk-very-secret run --separate-stderr "$CARO" -o json config show
	jcheck 'j["candidates"]["value"] == "3" and j["candidates"]["source"] == "file"'
	jcheck 'j["backend"]["source"] == "default"'
	[[ "$output" != *sk-very-secret* ]]
}

@test "config path honours XDG_CONFIG_HOME and --config" {
	run "$CARO" config path
	[ "$output" = "$XDG_CONFIG_HOME/caro/config.toml" ]
	printf 'safety = "strict"\n' >"$HOME/other.toml"
	run "$CARO" --config "$HOME/other.toml" config get safety
	[ "$output" = strict ]
}

@test "config with no or an unknown verb is a usage error" {
	run "$CARO" config
	[ "$status" -eq 2 ]
	run "$CARO" config frob
	[ "$status" -eq 2 ]
}
