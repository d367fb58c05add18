# lib.sh: the set-up integration tests share, sourced by test-*.sh after
# HERE is set: the test's own testbed (its own prefix and work folder,
# taken down on exit, also on failure), the processes it starts (stopped
# by PID only), the campaign it runs in the background, and waits.
# Brings in checks.sh (the result lines) too.
#
# A test calls testbed_init first; then tb runs testbed/tb on its testbed.
# It may define cleanup_more, which cleanup runs after the testbed is down.
# shellcheck shell=bash disable=SC2034 # RC, to_hex_awk: for the tests

# shellcheck source=checks.sh
. "$HERE/checks.sh"

export TB=${TB:-$HERE/../../testbed/tb}
PIDS=()		# processes this test started in the background (cleanup stops them)
CAMPAIGN_PID=	# process group of the background tp-campaign (cleanup kills it)
AT_CONTROLLER=()	# words before each tp-campaign command (none: run it here)

# testbed_init PREFIX TEMPLATE: this test's testbed is PREFIX (namespaces
# PREFIX-*, exported as TB_PREFIX) with its run folder in WORK, a fresh
# folder from mktemp TEMPLATE (exported as TB_RUN_DIR=$WORK/run). Refuses
# (exit 1) when namespaces of PREFIX exist already; then cleanup runs on
# exit and on SIGTERM or SIGINT.
testbed_init() {
	if ip netns list | grep -q "^$1-"; then
		echo "FAIL setup: namespaces $1-* exist already (another run?); not touching them" >&2
		exit 1
	fi
	export TB_PREFIX=$1
	WORK=$(mktemp -d "$2")
	export TB_RUN_DIR=$WORK/run
	trap cleanup EXIT
	trap 'exit 143' TERM INT
}

# Run testbed/tb on this test's testbed.
tb() {
	"$TB" --quiet --prefix "$TB_PREFIX" --run-dir "$TB_RUN_DIR" "$@"
}

# Stop what this test started (the campaign's process group, each PID in
# PIDS), take its testbed down, run cleanup_more if defined, remove WORK.
cleanup() {
	local pid
	trap - EXIT
	if [[ -n $CAMPAIGN_PID ]]; then kill -9 -- "-$CAMPAIGN_PID" 2>/dev/null || true; fi
	if ((${#PIDS[@]} > 0)); then
		for pid in "${PIDS[@]}"; do
			kill "$pid" 2>/dev/null || true
		done
		wait 2>/dev/null || true
	fi
	tb down >/dev/null 2>&1 || true
	if declare -F cleanup_more >/dev/null; then cleanup_more; fi
	rm -rf "$WORK"
}

# need_root NAME: exit with "FAIL NAME: needs root" unless run as root.
need_root() {
	((EUID == 0)) || { echo "FAIL $1: needs root"; exit 1; }
}

# need_built NAME PROGRAM: exit with a FAIL line named NAME unless PROGRAM is built.
need_built() {
	[[ -x $2 ]] || { echo "FAIL $1: $2 not built (set TP_BUILD_DIR)"; exit 1; }
}

# Write a fresh random key (64 hex characters) to $1, mode 0600.
make_key() {
	(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$1"; echo >>"$1")
}

# start_in NODE COMMAND...: run COMMAND in testbed node NODE in the
# background (redirections of the call apply); its PID, the command's
# own, joins PIDS.
start_in() {
	"$TB" --quiet --prefix "$TB_PREFIX" --run-dir "$TB_RUN_DIR" exec "$1" "${@:2}" &
	PIDS+=($!)
}

# stop_listeners: SIGTERM to every listener in PIDS, then wait for each;
# one that exits non-zero is a FAIL "listener". Empties PIDS.
stop_listeners() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid"
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" || fail "listener" "a listener exited with status $?"
	done
	PIDS=()
}

# wait_line FILE PATTERN [SECONDS]: wait up to SECONDS (default 10) until
# FILE holds a line matching PATTERN; 0 when it does.
wait_line() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# Run tp-campaign (after AT_CONTROLLER) or tp-analyze with the test's tp.conf $CONF.
campaign() { "${AT_CONTROLLER[@]}" "$BUILD/tp-campaign" -c "$CONF" "$@"; }
analyze() { "$BUILD/tp-analyze" -c "$CONF" "$@"; }

# Sites announcing right now, by tp-bgpctl's live count.
announcing() {
	"$BUILD/tp-bgpctl" -c "$CONF" -j status | jq -r .announcing
}

# Run sqlite3 on the test's database $DB (waiting up to 5 s for a lock).
q() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }

# Status of scenario $2 ("akl") of campaign $1.
scen_status() {
	q "SELECT status FROM scenarios WHERE campaign_id = $1 AND withdrawn = '$2'"
}

# Rows stored twice for one (round, target) anywhere: must be 0.
duplicates() {
	q "SELECT COUNT(*) FROM (SELECT 1 FROM responses GROUP BY round_id, target_id HAVING COUNT(*) > 1)"
}

# Start a campaign command in its own process group, in the background
# (output in $WORK/bg.out and bg.err).
start_campaign() {
	setsid "${AT_CONTROLLER[@]}" "$BUILD/tp-campaign" -c "$CONF" "$@" >"$WORK/bg.out" 2>"$WORK/bg.err" &
	CAMPAIGN_PID=$!
}

# Wait for the background campaign; its exit status in RC.
wait_campaign() {
	RC=0
	wait "$CAMPAIGN_PID" || RC=$?
	CAMPAIGN_PID=
}

# Kill the background campaign's process group (SIGKILL) and reap it.
kill_campaign() {
	kill -KILL -- "-$CAMPAIGN_PID"
	wait "$CAMPAIGN_PID" 2>/dev/null || true
	CAMPAIGN_PID=
}

# awk functions: tohex(address) gives 8 hex digits for IPv4, 32 for IPv6,
# as SQLite's hex(addr).
to_hex_awk='
function hexval(h,   i, v) { v = 0; h = tolower(h)
	for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return v }
function hex6(a,   halves, l, r, nl, nr, g, i, s) {
	for (i = 1; i <= 8; i++) g[i] = 0
	split(a, halves, "::")
	if (index(a, "::")) {
		nl = halves[1] == "" ? 0 : split(halves[1], l, ":")
		nr = halves[2] == "" ? 0 : split(halves[2], r, ":")
		for (i = 1; i <= nl; i++) g[i] = hexval(l[i])
		for (i = 1; i <= nr; i++) g[8 - nr + i] = hexval(r[i])
	} else { split(a, l, ":"); for (i = 1; i <= 8; i++) g[i] = hexval(l[i]) }
	s = ""; for (i = 1; i <= 8; i++) s = s sprintf("%04X", g[i]); return s }
function tohex(a,   o) {
	if (index(a, ":")) return hex6(a)
	split(a, o, "."); return sprintf("%02X%02X%02X%02X", o[1], o[2], o[3], o[4]) }'
