#!/bin/bash
# test-fault-bird.sh: a site's BIRD killed (SIGKILL, by the PID in the run
# folder's NODE.pid) while its site is withdrawn.
#
#  1. tp-campaign with one scenario, akl+chc: once both are withdrawn, akl's
#     BIRD is killed. The campaign must fail cleanly: exit 6 (tp-campaign(8):
#     re-announcing failed at some site), the log names akl ("CHECK SITE akl
#     NOW"), chc is announced again (it could be), the campaign is marked
#     failed, and tp-bgpctl status shows akl unreachable.
#  2. tp-bgpctl withdraw akl chc, then chc's BIRD is killed: announce all
#     announces what it can (akl), exits 69 (tp-bgpctl(8): a site's BIRD
#     could not be reached) naming chc's socket.
#  After each, the killed BIRD is started again the way testbed/lib/bird.sh
#  starts it (bird -c RUN/NODE.conf -s RUN/NODE.ctl -P RUN/NODE.pid in its
#  namespace): every site announces and `tb truth` puts c1 back at akl.
#  Finally `tb down` must remove the restarted BIRDs (their PIDs gone) and
#  the namespaces.
# Why it fails when the behaviour is wrong: a campaign that hung, exited 0
# or 1, left chc withdrawn or did not name akl fails check 1; an announce
# that stopped at the dead site would leave akl withdrawn in check 2; a
# restarted BIRD that tb down does not recognise stays alive and fails the
# last check.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbfb$$ /tmp/tpfault-bird.XXXXXX
RESTARTED=()

# Kill the BIRDs this test restarted, if tb down missed them (cleanup runs
# it after tb down; their PID files are in the run folder).
cleanup_more() {
	local pid
	for pid in "${RESTARTED[@]}"; do
		# Only if tb down missed it and it is still the BIRD we started.
		if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == bird ]] &&
		    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-s $TB_RUN_DIR/"; then
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
}

bgpctl() { "$BUILD/tp-bgpctl" -c "$CONF" "$@"; }

# Sites announcing right now, by tp-bgpctl's live count.
announcing() {
	bgpctl -j status 2>/dev/null | jq -r .announcing
}

# Wait up to $2 seconds until $1 sites announce; 0 when they do.
wait_announcing() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		[[ $(announcing) == "$1" ]] && return 0
		sleep 0.1
	done
	return 1
}

# The site client network $1 reaches over IPv4, from BIRD's RIBs.
site_of() {
	tb truth --json | jq -r --arg c "$1" '.clients[] | select(.name == $c) | .site4 // "none"'
}

# SIGKILL the BIRD of node $1 by its PID file; wait until it is gone.
kill_bird() {
	local pid i
	pid=$(cat "$TB_RUN_DIR/$1.pid")
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do
		[[ -e /proc/$pid ]] || return 0
		sleep 0.1
	done
	return 1
}

# Start the BIRD of node $1 again as testbed/lib/bird.sh does.
restart_bird() {
	local n=$1 i pid
	rm -f "$TB_RUN_DIR/$n.ctl"
	ip netns exec "$TB_PREFIX-$n" bird -c "$TB_RUN_DIR/$n.conf" -s "$TB_RUN_DIR/$n.ctl" \
	    -P "$TB_RUN_DIR/$n.pid"
	# The daemon writes its PID file a moment after the parent returned.
	for ((i = 0; i < 50; i++)); do
		pid=$(cat "$TB_RUN_DIR/$n.pid" 2>/dev/null) || pid=
		[[ -n $pid && -e /proc/$pid ]] && break
		sleep 0.1
	done
	RESTARTED+=("$pid")
}

# Restart BIRD of node $1, then expect all 3 sites announcing and c1 at akl.
restart_and_check() {
	local name=$1 n=$2 i
	restart_bird "$n"
	if wait_announcing 3 30; then
		for ((i = 0; i < 100; i++)); do
			[[ $(site_of c1) == akl ]] && break
			sleep 0.2
		done
		if [[ $(site_of c1) == akl ]]; then
			pass "$name: $n's BIRD restarted: all 3 sites announce, c1 back at akl"
		else
			fail "$name: BIRD restarted" "c1 reaches $(site_of c1)"
		fi
	else
		fail "$name: BIRD restarted" "$(announcing)/3 announcing after 30 s"
	fi
}

need_root bird
need_built setup "$BUILD/tp-campaign"

out=$(tb up tiny 2>&1) || { fail "bird testbed up" "$out"; exit 1; }
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 rate=2000 settle=1 \
    sample_interval=1 sample_size=20 converge_timeout=10 deadman=60 listen_grace=1 \
    min_announcing=1 chains=0 control_share=0.25 single=none sets=akl+chc)
DB=$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")

# 1: the campaign.
start_campaign -v run
if wait_announcing 1 60 && kill_bird akl; then
	wait_campaign
	rc=$RC
	bgpctl -j status >"$WORK/status.json" 2>/dev/null || true
	akl_reachable=$(jq -r '.sites[] | select(.name == "akl") | .reachable' "$WORK/status.json")
	chc_announcing=$(jq -r '.sites[] | select(.name == "chc") | .announcing' "$WORK/status.json")
	status=$(sqlite3 "$DB" "SELECT status FROM campaigns ORDER BY id DESC LIMIT 1")
	if ((rc == 6)) && grep -q "site akl: BIRD unreachable.*CHECK SITE akl NOW" "$WORK/bg.err" &&
	    [[ $akl_reachable == false && $chc_announcing == true && $status == failed ]]; then
		grep "CHECK SITE" "$WORK/bg.err" | head -1 | sed 's/^/  /'
		pass "campaign: BIRD killed mid-withdrawal: exit 6, names akl, chc re-announced, campaign failed"
	else
		fail "campaign: BIRD killed mid-withdrawal" "exit $rc, akl reachable $akl_reachable, chc announcing $chc_announcing, campaign $status: $(tail -4 "$WORK/bg.err")"
	fi
else
	fail "campaign: BIRD killed mid-withdrawal" "the campaign never withdrew both sites ($(announcing)/3 announcing)"
	kill -TERM "$CAMPAIGN_PID" 2>/dev/null || true
	wait "$CAMPAIGN_PID" 2>/dev/null || true
	CAMPAIGN_PID=
fi
restart_and_check campaign akl

# 2: tp-bgpctl withdraw of two sites, then one BIRD dies.
rc=0
bgpctl -q withdraw akl chc >"$WORK/w.out" 2>&1 || rc=$?
if ((rc == 0)) && wait_announcing 1 10 && kill_bird chc; then
	rc=0
	bgpctl announce all >"$WORK/a.out" 2>"$WORK/a.err" || rc=$?
	bgpctl -j status >"$WORK/status.json" 2>/dev/null || true
	akl_announcing=$(jq -r '.sites[] | select(.name == "akl") | .announcing' "$WORK/status.json")
	if ((rc == 69)) && grep -q "$TB_RUN_DIR/chc.ctl" "$WORK/a.err" && [[ $akl_announcing == true ]]; then
		sed 's/^/  /' "$WORK/a.err"
		pass "bgpctl: BIRD killed after withdraw akl chc: announce all exits 69 naming chc's socket, akl announced"
	else
		fail "bgpctl: BIRD killed after withdrawal" "exit $rc, akl announcing $akl_announcing: $(cat "$WORK/a.err")"
	fi
else
	fail "bgpctl: BIRD killed after withdrawal" "withdraw exit $rc: $(cat "$WORK/w.out")"
fi
restart_and_check bgpctl chc

# tb down removes the restarted BIRDs and every namespace.
tb down >/dev/null 2>&1 || true
# Alive and not a zombie (an exited BIRD waits a moment for init to reap it).
alive() {
	[[ -n $1 && -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}
left=
for pid in "${RESTARTED[@]}"; do
	alive "$pid" && left+=" $pid"
done
ns=$(ip netns list | grep -c "^$TB_PREFIX-" || true)
if [[ -z $left && $ns == 0 ]]; then
	pass "tb down stops the restarted BIRDs (${RESTARTED[*]}) and removes every namespace"
else
	fail "tb down stops the restarted BIRDs" "still running:$left; $ns namespaces left"
fi

exit "$FAILED"
