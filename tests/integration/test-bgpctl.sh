#!/bin/bash
# test-bgpctl.sh: tp-bgpctl against real BIRD 2 on the tiny testbed.
#
# Brings tiny up under its own prefix, then checks through `tb truth` (the
# routers' RIBs) that withdraw and announce move the test ranges; that a
# withdrawal leaving fewer than min_announcing sites is refused; that a
# test protocol carrying a route outside the test ranges is refused; that
# the dead-man switch brings a withdrawn site back when the controller is
# killed with SIGKILL and never announces; and that a withdrawal of two
# sites is all or nothing (second socket unreachable: nothing changes;
# second BIRD fails mid-way: the first is announced again).
#
# Needs root. Env: TB (default testbed/tb of this tree), TP_BUILD_DIR
# (default /tmp/build-main, where tp-bgpctl was built). The testbed's
# prefix is tpbb plus this shell's pid. Prints "PASS name" / "FAIL name: reason"; exits 1 when
# anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB=${TB:-$HERE/../../testbed/tb}
TP_BUILD_DIR=${TP_BUILD_DIR:-/tmp/build-main}
BGPCTL=$TP_BUILD_DIR/tp-bgpctl
PREFIX=tpbb$$
WORK=$(mktemp -d /tmp/tpbgpctl.XXXXXX)
RUN_DIR=$WORK/run
DEADMAN=10
FAILED=0
CONTROLLER=

# Run tb for this test's testbed.
tb() {
	"$TB" --quiet --prefix "$PREFIX" --run-dir "$RUN_DIR" "$@"
}

# Kill our controller if still there, take the testbed down, remove the work folder.
cleanup() {
	trap - EXIT
	if [[ -n $CONTROLLER ]]; then kill -9 "$CONTROLLER" 2>/dev/null || true; fi
	tb down >/dev/null 2>&1 || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

# Run tp-bgpctl with the test's tp.conf (or $CONF); sets RC, output in $WORK/out.
bgpctl() {
	RC=0
	"$BGPCTL" -c "${CONF:-$WORK/tp.conf}" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
}

# The site client network $1 reaches for family $2 (4 or 6), from BIRD's RIBs.
site_of() {
	tb truth --json | jq -r --arg c "$1" --arg f "site$2" \
	    '.clients[] | select(.name == $c) | .[$f] // "none"'
}

# Wait up to $3 seconds until client $1 reaches site $2 in both families; 0 when it does.
wait_site() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		if [[ $(site_of "$1" 4) == "$2" && $(site_of "$1" 6) == "$2" ]]; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# Check that rc is $2 for test $1 and the routes of c1 end at $3.
expect() {
	local name=$1 want_rc=$2 want_site=$3
	if [[ $RC != "$want_rc" ]]; then
		fail "$name" "exit $RC, wanted $want_rc: $(head -c 400 "$WORK/err")"
	elif ! wait_site c1 "$want_site" 15; then
		fail "$name" "c1 reaches $(site_of c1 4)/$(site_of c1 6), wanted $want_site"
	else
		pass "$name"
	fi
}

[[ -x $BGPCTL ]] || { echo "FAIL setup: $BGPCTL not built (set TP_BUILD_DIR)"; exit 1; }
tb up tiny >/dev/null
# The testbed's tp.conf, with a short dead-man switch for the tests.
tb conf | sed "/^\[campaign\]/a min_announcing = 2\ndeadman = $DEADMAN\nmin_change_interval = 2\nsettle = 1\nconverge_timeout = 5" \
    >"$WORK/tp.conf"

# status: all three announce, only test ranges.
bgpctl -j status
if [[ $RC == 0 && $(jq .announcing "$WORK/out") == 3 &&
    $(jq '[.sites[] | select(.routes_in_test_ranges)] | length' "$WORK/out") == 3 ]]; then
	pass status
else
	fail status "exit $RC: $(head -c 400 "$WORK/out" "$WORK/err")"
fi

# withdraw moves c1 from akl to chc (tiny: r1 prefers r2); announce brings it back.
wait_site c1 akl 15 || fail baseline "c1 does not reach akl before any withdrawal"
bgpctl withdraw akl
expect withdraw-moves-routes 0 chc

# With akl withdrawn only two announce: withdrawing chc would leave one.
bgpctl -j withdraw chc
if [[ $RC == 3 && $(jq -r .refused "$WORK/out") == *min_announcing* ]] &&
    wait_site c2 chc 5; then
	pass refuse-min-announcing
else
	fail refuse-min-announcing "exit $RC, c2 at $(site_of c2 4): $(cat "$WORK/err")"
fi

bgpctl announce akl
expect announce-moves-routes-back 0 akl

# Show pass-through: read-only, and only "show".
bgpctl show akl show protocols
if [[ $RC == 0 ]] && grep -q '^tp_anycast4 .* up ' "$WORK/out"; then
	pass show-pass-through
else
	fail show-pass-through "exit $RC: $(cat "$WORK/out" "$WORK/err")"
fi
bgpctl show akl configure
[[ $RC == 64 ]] && pass show-refuses-non-show || fail show-refuses-non-show "exit $RC"

# A route outside the test ranges in tp_anycast4 (the site exports only the
# test range, so it never leaks): withdrawing akl is refused.
cp "$RUN_DIR/akl.conf" "$WORK/akl.conf.orig"
sed -i 's|route 192.0.2.0/24 blackhole;|route 192.0.2.0/24 blackhole; route 198.51.100.0/24 blackhole;|' \
    "$RUN_DIR/akl.conf"
tb birdc akl configure >/dev/null
bgpctl withdraw akl
if [[ $RC == 3 ]] && grep -q 'outside the test ranges' "$WORK/err" && wait_site c1 akl 5; then
	pass refuse-outside-test-ranges
else
	fail refuse-outside-test-ranges "exit $RC: $(cat "$WORK/err")"
fi
cp "$WORK/akl.conf.orig" "$RUN_DIR/akl.conf"
tb birdc akl configure >/dev/null

# Atomicity 1: the second site's socket is unreachable: refused before anything.
sed "s|$RUN_DIR/chc.ctl|$RUN_DIR/gone.ctl|" "$WORK/tp.conf" >"$WORK/tp-gone.conf"
CONF=$WORK/tp-gone.conf bgpctl --announcing 3 withdraw akl chc
if [[ $RC == 69 ]] && grep -q 'missing' "$WORK/err"; then
	expect atomic-unreachable-second 69 akl
else
	fail atomic-unreachable-second "exit $RC: $(cat "$WORK/err")"
fi

# Atomicity 2: the second BIRD fails mid-way (its configuration file is
# broken, so "configure timeout" fails after akl was withdrawn): akl must be
# announced again.
# min_announcing 1 here, so that withdrawing two of three passes the checks.
sed 's|^min_announcing = 2|min_announcing = 1|' "$WORK/tp.conf" >"$WORK/tp-min1.conf"
cp "$RUN_DIR/chc.conf" "$WORK/chc.conf.orig"
echo 'this is not bird syntax;' >>"$RUN_DIR/chc.conf"
CONF=$WORK/tp-min1.conf bgpctl -j withdraw akl chc
cp "$WORK/chc.conf.orig" "$RUN_DIR/chc.conf"
if [[ $RC != 0 && $(jq -r '.sites[] | select(.name == "akl") | .rolled_back' "$WORK/out") == true ]]; then
	RC=0 expect atomic-second-fails-first-reannounced 0 akl
else
	fail atomic-second-fails-first-reannounced "exit $RC: $(cat "$WORK/out" "$WORK/err")"
fi

# Dead-man: a controller withdraws akl and is killed with SIGKILL before it
# announces; BIRD must put the route back within the dead-man time.
start=$(date +%s)
bash -c "'$BGPCTL' -q -c '$WORK/tp.conf' withdraw akl >/dev/null && exec sleep 600" &
CONTROLLER=$!
if wait_site c1 chc 15; then
	kill -9 "$CONTROLLER"
	wait "$CONTROLLER" 2>/dev/null || true
	CONTROLLER=
	if wait_site c1 akl $((DEADMAN + 10)); then
		back=$(($(date +%s) - start))
		if ((back <= DEADMAN + 5)); then
			pass "deadman-restores (back after ${back} s, deadman ${DEADMAN} s)"
		else
			fail deadman-restores "back only after ${back} s"
		fi
	else
		fail deadman-restores "c1 still at $(site_of c1 4) after $((DEADMAN + 10)) s"
	fi
else
	fail deadman-restores "the controller did not withdraw akl"
fi
bgpctl announce all
[[ $RC == 0 ]] && pass announce-all || fail announce-all "exit $RC: $(cat "$WORK/err")"

exit "$FAILED"
