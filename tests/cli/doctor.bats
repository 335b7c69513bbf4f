#!/usr/bin/env bats
# caro doctor: what caro sees.
load helpers

@test "doctor shows OS, userland, shell, paths and engines" {
	run --separate-stderr "$CARO" doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"os          linux"* ]]
	[[ "$output" == *"sed=GNU"* ]]
	[[ "$output" == *"shell       bash"* ]]
	[[ "$output" == *"$XDG_CONFIG_HOME/caro/config.toml"* ]]
	[[ "$output" == *"$XDG_CACHE_HOME/caro"* ]]
	[[ "$output" == *"match   ready"* ]]
}

@test "doctor -o json is one object describing engines" {
	run --separate-stderr "$CARO" doctor -o json
	[ "$status" -eq 0 ]
	jcheck 'j["os"] == "linux" and j["tools"]["sed"] in ("GNU","BSD")'
	jcheck '[e["name"] for e in j["engines"]][:1] == ["match"] and j["engines"][0]["ready"]'
	jcheck 'all(isinstance(e["status"], str) for e in j["engines"])'
}

@test "doctor honours --platform for the target" {
	run --separate-stderr "$CARO" doctor -o json --platform macos
	jcheck 'j["os"] == "macos" and j["userland"] == "BSD"'
}

@test "doctor names the local engine's kernels; CARO_KERNELS=ref forces the reference" {
	run --separate-stderr "$CARO" doctor -o json
	[ "$status" -eq 0 ]
	jcheck 'j["kernels"] in ("avx512vnni", "avx2", "neon", "ref")'
	CARO_KERNELS=ref run --separate-stderr "$CARO" doctor
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernels     ref"* ]]
}
