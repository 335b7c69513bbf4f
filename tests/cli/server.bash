# server.bash: for test files that talk to tests/testserver.py, loaded
# after helpers: one server for the whole file, at $SRV (its port, pid and
# request log in $SRV_DIR). Each test still calls setup_offline.

setup_file() {
	export SRV_DIR="$BATS_FILE_TMPDIR/srv"
	start_server "$SRV_DIR"
	export SRV="http://127.0.0.1:$(cat "$SRV_DIR/port")"
}

teardown_file() {
	kill "$(cat "$SRV_DIR/pid")" 2>/dev/null || true
}
