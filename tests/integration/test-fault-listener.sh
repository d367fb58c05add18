#!/bin/bash
# test-fault-listener.sh: a site's listener dies in the middle of a
# scenario round, under listener_failure = stop and = continue.
#
# On the tiny testbed, campaigns with single = akl,chc. While the akl
# scenario round runs (a round of kind 'scenario' running in the
# database), the campaign's listener at site chc (found by walking the
# campaign's own process tree) is killed with SIGKILL; chc is where akl's
# catchment moved, so replies are lost with it. Checks:
#   stop:     exit 1; the error names site chc; the round is 'incomplete',
#             the akl scenario 'aborted', chc never started (no rounds),
#             the campaign 'failed'; all 3 sites announce; no
#             (round, target) stored twice and the dead round holds no
#             more replies than targets probed; `resume` then ends with
#             exit 0 and akl has a complete scenario round.
#   continue: the campaign goes on (the listener is started again for
#             the next round): chc's scenario is 'done', akl is
#             'aborted' with an 'incomplete' round; exit 2; all announce;
#             `resume` measures akl (exit 0, status done).
#   a bad listener_failure value is refused (exit 78, naming the key).
# Why it fails when the behaviour is wrong: before listener_failure an
# incomplete round was only logged, so the stop case would exit 0 with chc
# measured and the campaign 'done'; a campaign that stopped under
# continue would leave chc 'pending'; a listener that were not killed
# (round complete) fails the 'incomplete' checks; duplicates are counted
# per (round, target) straight from the database.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbfl$$ /tmp/tpfault-listener.XXXXXX

# Every process below PID $1 (its children, theirs, ...), one per line.
descendants() {
	local kid
	for kid in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$kid"
		descendants "$kid"
	done
}

# The value after option $2 in the command line of PID $1 (empty if none).
arg_of() {
	{ tr '\0' '\n' <"/proc/$1/cmdline"; } 2>/dev/null | awk -v o="$2" 'p { print; exit } $0 == o { p = 1 }'
}

# Wait (up to 120 s) until a scenario round of the campaign runs (the
# database holds it as running: opened, its probes going out); then kill
# the campaign's listener at site $1, which serves every round.
# Sets KILLED_ROUND. 0 when it killed one.
kill_listener_mid_round() {
	local site=$1 i pid listener round
	KILLED_ROUND=
	for ((i = 0; i < 2400; i++)); do
		# The campaign ended first (gone, or a zombie not yet waited for).
		grep -q '^State:[[:space:]]*[^Z]' "/proc/$CAMPAIGN_PID/status" 2>/dev/null || return 1
		listener=
		for pid in $(descendants "$CAMPAIGN_PID"); do
			case $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) in
			*tp-probe\ listen\ *)
				if [[ $(arg_of "$pid" -s) == "$site" ]]; then listener=$pid; fi ;;
			esac
		done
		round=$(q "SELECT id FROM rounds WHERE kind = 'scenario' AND status = 'running'
		    ORDER BY id DESC LIMIT 1" 2>/dev/null || true)
		if [[ -n $listener && -n $round ]]; then
			sleep 0.3	# let some replies arrive first
			kill -KILL "$listener" 2>/dev/null || return 1
			KILLED_ROUND=$round
			return 0
		fi
		sleep 0.05
	done
	return 1
}

need_root listener
need_built setup "$BUILD/tp-campaign"

out=$(tb up tiny 2>&1) || { fail "listener testbed up" "$out"; exit 1; }
# A slow sender (30 probes/s), so that the scenario round lasts long
# enough to kill a listener in its middle.
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 rate=30 settle=1 \
    sample_interval=1 sample_size=4 converge_timeout=10 deadman=60 listen_grace=1 \
    min_announcing=1 chains=0 control_share=0.25 single=akl,chc listener_failure=stop)
DB=$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")

# 0: a bad value is refused.
sed 's/^listener_failure = stop/listener_failure = maybe/' "$CONF" >"$WORK/bad.conf"
rc=0
"$BUILD/tp-campaign" -c "$WORK/bad.conf" -n run >"$WORK/bad.out" 2>&1 || rc=$?
if ((rc == 78)) && grep -q 'listener_failure: "maybe" is not one of: stop continue' "$WORK/bad.out"; then
	pass "listener_failure: a bad value is refused (exit 78)"
else
	fail "listener_failure: a bad value is refused" "exit $rc: $(cat "$WORK/bad.out")"
fi

# 1: listener_failure = stop.
start_campaign -v run
if kill_listener_mid_round chc; then
	wait_campaign
	ID=$(q "SELECT campaign_id FROM rounds WHERE id = $KILLED_ROUND")
	sent=$(grep -o "round $KILLED_ROUND (scenario[^)]*): [0-9]* probed" "$WORK/bg.err" | awk '{ print $(NF - 1) }')
	stored=$(q "SELECT COUNT(*) FROM responses WHERE round_id = $KILLED_ROUND")
	why="exit $RC; round $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND"); akl $(scen_status "$ID" akl); chc $(scen_status "$ID" chc); campaign $(q "SELECT status FROM campaigns WHERE id = $ID"); announcing $(announcing)"
	if ((RC == 1)) && grep -q "listener at site chc died mid-round" "$WORK/bg.err" &&
	    [[ $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND") == incomplete &&
	    $(scen_status "$ID" akl) == aborted && $(scen_status "$ID" chc) != done &&
	    $(q "SELECT COUNT(*) FROM rounds r JOIN scenarios s ON s.id = r.scenario_id
		WHERE s.campaign_id = $ID AND s.withdrawn = 'chc'") == 0 &&
	    $(q "SELECT status FROM campaigns WHERE id = $ID") == failed && $(announcing) == 3 ]]; then
		grep "died mid-round" "$WORK/bg.err" | sed 's/^/  /'
		pass "stop: campaign stops (exit 1) naming site chc; round incomplete, akl aborted, chc not started, all announce"
	else
		fail "stop: campaign stops naming the site" "$why: $(grep -i 'error\|warn' "$WORK/bg.err" | tail -4)"
	fi
	if [[ $(duplicates) == 0 && -n $sent ]] && ((stored <= sent)); then
		pass "stop: nothing recorded twice ($stored replies kept of $sent probed in the dead round)"
	else
		fail "stop: nothing recorded twice" "duplicates $(duplicates), stored $stored, sent '$sent'"
	fi
	rc=0
	"$BUILD/tp-campaign" -c "$CONF" resume "$ID" >"$WORK/resume.out" 2>&1 || rc=$?
	if ((rc == 0)) && [[ $(scen_status "$ID" akl) == done &&
	    $(q "SELECT COUNT(*) FROM rounds r JOIN scenarios s ON s.id = r.scenario_id WHERE
		s.campaign_id = $ID AND s.withdrawn = 'akl' AND r.kind = 'scenario' AND r.status = 'complete'") == 1 &&
	    $(duplicates) == 0 ]]; then
		pass "stop: resume measures akl again (exit 0, one complete scenario round)"
	else
		fail "stop: resume measures akl again" "exit $rc, akl $(scen_status "$ID" akl): $(tail -3 "$WORK/resume.out")"
	fi
else
	wait_campaign
	fail "stop: kill the listener mid-round" "never saw chc's listener in a scenario round (campaign exit $RC: $(tail -3 "$WORK/bg.err"))"
fi

# 2: listener_failure = continue.
sed -i 's/^listener_failure = stop/listener_failure = continue/' "$CONF"
start_campaign -v run
if kill_listener_mid_round chc; then
	wait_campaign
	ID=$(q "SELECT campaign_id FROM rounds WHERE id = $KILLED_ROUND")
	why="exit $RC; round $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND"); akl $(scen_status "$ID" akl); chc $(scen_status "$ID" chc); campaign $(q "SELECT status FROM campaigns WHERE id = $ID"); announcing $(announcing)"
	if ((RC == 2)) && grep -q "listener at site chc died mid-round.*goes on" "$WORK/bg.err" &&
	    [[ $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND") == incomplete &&
	    $(scen_status "$ID" akl) == aborted && $(scen_status "$ID" chc) == done &&
	    $(q "SELECT status FROM campaigns WHERE id = $ID") == failed && $(announcing) == 3 &&
	    $(duplicates) == 0 ]]; then
		pass "continue: campaign goes on (chc done, akl aborted, round incomplete), exit 2, all announce"
	else
		fail "continue: campaign goes on" "$why: $(grep -i 'error\|warn' "$WORK/bg.err" | tail -4)"
	fi
	rc=0
	"$BUILD/tp-campaign" -c "$CONF" resume "$ID" >"$WORK/resume.out" 2>&1 || rc=$?
	if ((rc == 0)) && [[ $(scen_status "$ID" akl) == done &&
	    $(q "SELECT status FROM campaigns WHERE id = $ID") == done && $(duplicates) == 0 ]]; then
		pass "continue: resume measures akl (exit 0, campaign done)"
	else
		fail "continue: resume measures akl" "exit $rc, akl $(scen_status "$ID" akl): $(tail -3 "$WORK/resume.out")"
	fi
else
	wait_campaign
	fail "continue: kill the listener mid-round" "never saw chc's listener in a scenario round (campaign exit $RC: $(tail -3 "$WORK/bg.err"))"
fi

exit "$FAILED"
