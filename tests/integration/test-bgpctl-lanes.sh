#!/bin/bash
# test-bgpctl-lanes.sh: tp-bgpctl's dead-man switch across several test
# protocols at one BIRD (lanes). BIRD's "configure timeout" is per daemon
# and reloads the configuration, which re-enables every disabled protocol;
# so tp-bgpctl arms it only when nothing is withdrawn at that BIRD yet,
# and confirms it only when nothing is withdrawn any more.
#
#   1. Against the recording fake BIRD (tests/integration/fake-bird), the
#      exact commands: withdrawing a second protocol sends no "configure
#      timeout"; announcing one while the other is withdrawn sends no
#      "configure confirm"; announcing the last one confirms.
#   2. On the tiny testbed with the dead-man at 10 s: lanes 1 and 2
#      withdrawn at akl by a controller that is then killed with SIGKILL;
#      both lanes must be announced again (tb truth --lane) within the
#      dead-man time of the first withdrawal. Then the same after the
#      controller announced lane 1 again: lane 2 must still come back.
#
# Needs root. Env: TP_BUILD_DIR (tp-bgpctl, fake-bird), TB.
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
TP_BUILD_DIR=${TP_BUILD_DIR:-$HERE/../../build-test}
BGPCTL=$TP_BUILD_DIR/tp-bgpctl
FAKE_BIRD=$TP_BUILD_DIR/tests/integration/fake-bird
testbed_init tpbbl$$ /tmp/tpbbl.XXXXXX
DEADMAN=10

# Check that the lines the fake BIRD received since line $2 contain (with
# $3 "has") or lack ("lacks") the line $4; $1 is the check's name.
check_sent() {
	local new
	new=$(tail -n +"$(($2 + 1))" "$LOG")
	if [[ $3 == has ]] && grep -q "^$4" <<<"$new"; then
		pass "$1"
	elif [[ $3 == lacks ]] && ! grep -q "^$4" <<<"$new"; then
		pass "$1"
	else
		fail "$1" "received: $(tr '\n' '|' <<<"$new")"
	fi
}

need_root setup
need_built setup "$BGPCTL"
if [[ ! -x $FAKE_BIRD ]]; then
	make -C "$TP_BUILD_DIR" -s tests/integration/fake-bird >/dev/null ||
	    { echo "FAIL setup: cannot build $FAKE_BIRD"; exit 1; }
fi

# ---- 1. the commands, against the recording fake BIRD --------------------

SOCK=$WORK/bird.ctl
LOG=$WORK/bird-received.txt
: >"$LOG"
"$FAKE_BIRD" "$SOCK" "$LOG" 2>"$WORK/fake-bird.err" &
PIDS+=($!)
for _ in $(seq 100); do
	[[ -S $SOCK ]] && break
	sleep 0.05
done
[[ -S $SOCK ]] || { echo "FAIL setup: fake BIRD did not start: $(cat "$WORK/fake-bird.err")"; exit 1; }
printf '[campaign]\nmin_announcing = 1\n\n[site a]\nbird_socket = %s\nprotocols = tp_anycast4 tp_anycast6\n' \
    "$SOCK" >"$WORK/fake.conf"
fake() { "$BGPCTL" -q --announcing 2 -c "$WORK/fake.conf" "$@"; }

at=$(wc -l <"$LOG")
fake -p tp_anycast4 withdraw a >/dev/null
check_sent "bgpctl-lanes first withdrawal arms the dead-man" "$at" has "configure timeout 900"
check_sent "bgpctl-lanes first withdrawal disables only its protocol" "$at" lacks "disable tp_anycast6"

at=$(wc -l <"$LOG")
fake -p tp_anycast6 withdraw a >/dev/null
check_sent "bgpctl-lanes second withdrawal does not re-arm (configure would re-enable the first)" \
    "$at" lacks "configure timeout 900"
check_sent "bgpctl-lanes second withdrawal disables its protocol" "$at" has "disable tp_anycast6"

at=$(wc -l <"$LOG")
out=$(fake -j -p tp_anycast4 announce a)
check_sent "bgpctl-lanes announcing one while the other is withdrawn does not confirm" \
    "$at" lacks "configure confirm"
check_sent "bgpctl-lanes ... nor re-arm" "$at" lacks "configure timeout 900"
grep -q '"deadman_switch": "left armed"' <<<"$out" && grep -q '"still_withdrawn": "tp_anycast6"' <<<"$out" &&
    pass "bgpctl-lanes announce reports the dead-man left armed for tp_anycast6" ||
    fail "bgpctl-lanes announce reports the dead-man left armed for tp_anycast6" "$out"

at=$(wc -l <"$LOG")
out=$(fake -j -p tp_anycast6 announce a)
check_sent "bgpctl-lanes announcing the last withdrawn protocol confirms" "$at" has "configure confirm"
grep -q '"deadman_switch": "confirmed"' <<<"$out" &&
    pass "bgpctl-lanes announce reports the dead-man confirmed" ||
    fail "bgpctl-lanes announce reports the dead-man confirmed" "$out"

at=$(wc -l <"$LOG")
fake withdraw a >/dev/null && fake announce a >/dev/null
check_sent "bgpctl-lanes without -p: withdraw arms" "$at" has "configure timeout 900"
check_sent "bgpctl-lanes without -p: announce confirms" "$at" has "configure confirm"

fake -p tp_other withdraw a 2>"$WORK/err"
rc=$?
((rc == 64)) && grep -q "tp_other: not a test protocol of site a" "$WORK/err" &&
    pass "bgpctl-lanes -p with a protocol the site does not list: usage error" ||
    fail "bgpctl-lanes -p with a protocol the site does not list: usage error" "exit $rc: $(cat "$WORK/err")"

# ---- 2. the real dead-man on the testbed --------------------------------

if ! out=$(tb up tiny 2>&1); then
	fail "bgpctl-lanes tb up tiny" "$out"
	exit 1
fi
tb conf | awk -v d=$DEADMAN '
	/^\[campaign\]/ { print; printf("deadman = %d\nmin_change_interval = 2\nsettle = 1\nconverge_timeout = 5\nmin_announcing = 1\n", d); next }
	/^\[site/ { print; print "protocols = tp_lane1_4 tp_lane1_6 tp_lane2_4 tp_lane2_6"; next }
	{ print }' >"$WORK/tb.conf"

# Print lane $1's IPv4 truth for c1.
c1_site() {
	tb truth --lane "$1" | awk '$1 == "c1" { print $5 }'
}

# 0 when site $2 matches $1 ("akl", or "!akl": a site but not akl).
site_is() {
	if [[ $1 == !* ]]; then [[ $2 != "${1#!}" && $2 != - ]]; else [[ $2 == "$1" ]]; fi
}

# Wait up to $3 seconds until lane 1 takes c1 to $1 and lane 2 to $2 (each
# "akl" or "!akl").
wait_lanes() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		site_is "$1" "$(c1_site 1)" && site_is "$2" "$(c1_site 2)" && return 0
		sleep 0.1
	done
	return 1
}

# Start a controller that runs the tp-bgpctl commands $@ (one per
# argument) against the testbed, then waits; its PID goes to CONTROLLER.
controller() {
	local script='set -e' cmd
	for cmd in "$@"; do script+="; \"$BGPCTL\" -q -c \"$WORK/tb.conf\" $cmd >/dev/null"; done
	bash -c "$script; exec sleep 600" >"$WORK/controller.out" 2>&1 &
	CONTROLLER=$!
}

# Run one kill -9 case: $1 name, $2 and $3 lane 1's and lane 2's c1 site
# to wait for before the kill ("akl" or "!akl"), then the controller's
# commands.
kill_case() {
	local name=$1 before1=$2 before2=$3 pid start took
	shift 3
	start=$(date +%s%N)
	controller "$@"
	pid=$CONTROLLER
	PIDS+=("$pid")
	if wait_lanes "$before1" "$before2" 5; then
		pass "$name: before the kill lane 1 at $(c1_site 1), lane 2 at $(c1_site 2)"
	else
		fail "$name: before the kill lane 1 $before1, lane 2 $before2" \
		    "lane 1 at $(c1_site 1), lane 2 at $(c1_site 2); controller: $(cat "$WORK/controller.out")"
		return
	fi
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	if wait_lanes akl akl $((DEADMAN + 5)); then
		took=$(awk -v s="$start" -v n="$(date +%s%N)" 'BEGIN { printf("%.1f", (n - s) / 1e9) }')
		if awk -v t="$took" -v d=$DEADMAN 'BEGIN { exit !(t <= d + 3) }'; then
			pass "$name: both lanes announced again ${took}s after the first withdrawal (dead-man ${DEADMAN}s)"
		else
			fail "$name: both lanes announced again within the dead-man" "took ${took}s"
		fi
	else
		fail "$name: both lanes announced again" "lane 1 at $(c1_site 1), lane 2 at $(c1_site 2)"
	fi
}

kill_case "bgpctl-lanes kill -9 with lanes 1 and 2 withdrawn" '!akl' '!akl' \
    "-p tp_lane1_4,tp_lane1_6 withdraw akl" "-p tp_lane2_4,tp_lane2_6 withdraw akl"
kill_case "bgpctl-lanes kill -9 after lane 1 was announced again, lane 2 still withdrawn" akl '!akl' \
    "-p tp_lane1_4,tp_lane1_6 withdraw akl" "-p tp_lane2_4,tp_lane2_6 withdraw akl" \
    "-p tp_lane1_4,tp_lane1_6 announce akl"

exit "$FAILED"
