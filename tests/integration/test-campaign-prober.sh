#!/bin/bash
# test-campaign-prober.sh: the campaign's one prober (tp-probe send --jobs)
# dies in the middle of a scenario round.
#
# On the tiny testbed, campaigns with single = akl,chc at 30 probes/s (so
# a round lasts seconds). The prober is found in the campaign's own
# process tree (a child of the tp-campaign we started, running
# "tp-probe send ... --jobs") and killed by its pid with SIGKILL once the
# akl scenario round runs (a round of kind 'scenario' running in the
# database). Checks:
#   restart:  the campaign logs one warning naming the prober's site and
#             how it ended, starts a new prober (another pid), gives it the
#             job's targets without a reply, and goes on: exit 0, the
#             killed round 'complete' with a reply from every target it
#             probed (every testbed client answers), akl and chc 'done',
#             the campaign 'done', all 3 sites announce, no (round,
#             target) stored twice.
#   give up:  every prober the campaign starts is killed at once: after 5
#             restarts in a row it is not started again, the round fails
#             ('incomplete'), akl is 'aborted', the campaign 'failed' with
#             exit 1 naming the prober, and every site announces again.
# Why it fails when the behaviour is wrong: before the restart a dead
# prober failed its round at once ("the prober ended before its job"),
# so the restart case exits 1 with akl aborted; a restart that sent the
# job again without its targets' replies kept would store targets twice
# or leave the round short of replies; a restart without a limit never
# ends the give-up case (it times out), and one that left a site
# withdrawn fails the announcing count.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbpr$$ /tmp/tpprober.XXXXXX

# The pid of the prober among the children of the campaign we started, or nothing.
prober_pid() {
	local pid
	for pid in $(ps -o pid= --ppid "$CAMPAIGN_PID" 2>/dev/null); do
		case $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) in
		*tp-probe\ send\ *--jobs*) echo "$pid"; return 0 ;;
		esac
	done
	return 1
}

# 0 while the campaign we started runs (not gone, not a zombie).
campaign_alive() {
	grep -q '^State:[[:space:]]*[^Z]' "/proc/$CAMPAIGN_PID/status" 2>/dev/null
}

# Wait (up to 120 s) until a scenario round runs, then kill the prober by
# its pid. Sets KILLED_ROUND and KILLED_PID. 0 when it killed one.
kill_prober_mid_round() {
	local i pid round
	KILLED_ROUND=
	KILLED_PID=
	for ((i = 0; i < 2400; i++)); do
		campaign_alive || return 1
		pid=$(prober_pid || true)
		round=$(q "SELECT id FROM rounds WHERE kind = 'scenario' AND status = 'running'
		    ORDER BY id DESC LIMIT 1" 2>/dev/null || true)
		if [[ -n $pid && -n $round ]]; then
			sleep 0.3	# some probes out, some replies in
			kill -KILL "$pid" 2>/dev/null || return 1
			KILLED_ROUND=$round
			KILLED_PID=$pid
			return 0
		fi
		sleep 0.05
	done
	return 1
}

need_root prober
need_built setup "$BUILD/tp-campaign"

out=$(tb up tiny 2>&1) || { fail "prober testbed up" "$out"; exit 1; }
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 rate=30 settle=1 \
    sample_interval=1 sample_size=4 converge_timeout=10 deadman=60 listen_grace=1 \
    min_announcing=1 chains=0 control_share=0.25 single=akl,chc)
DB=$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")
PROBER_SITE=$(awk -F' = ' '$1 == "prober" { print $2; exit }' "$CONF")
[[ -n $PROBER_SITE ]] || PROBER_SITE=$(awk '/^\[site / { sub(/\]/, "", $2); print $2; exit }' "$CONF")

# 1: the prober is killed once; the campaign starts it again and finishes.
start_campaign -v run
if kill_prober_mid_round; then
	for ((i = 0; i < 200; i++)); do
		NEW_PID=$(prober_pid || true)
		[[ -n $NEW_PID && $NEW_PID != "$KILLED_PID" ]] && break
		campaign_alive || break
		sleep 0.1
	done
	wait_campaign
	ID=$(q "SELECT campaign_id FROM rounds WHERE id = $KILLED_ROUND")
	sent=$(grep -o "round $KILLED_ROUND (scenario[^)]*): [0-9]* probed" "$WORK/bg.err" | awk '{ print $(NF - 1) }' || true)
	stored=$(q "SELECT COUNT(DISTINCT target_id) FROM responses WHERE round_id = $KILLED_ROUND")
	warnings=$(grep -c "site $PROBER_SITE: the prober ended (killed by signal 9); starting it again" "$WORK/bg.err" || true)
	why="exit $RC; round $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND"); akl $(scen_status "$ID" akl); chc $(scen_status "$ID" chc); campaign $(q "SELECT status FROM campaigns WHERE id = $ID"); announcing $(announcing); warnings $warnings; new prober '${NEW_PID:-}' (killed $KILLED_PID)"
	if ((RC == 0 && warnings == 1)) && [[ -n ${NEW_PID:-} && $NEW_PID != "$KILLED_PID" &&
	    $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND") == complete &&
	    $(scen_status "$ID" akl) == done && $(scen_status "$ID" chc) == done &&
	    $(q "SELECT status FROM campaigns WHERE id = $ID") == done && $(announcing) == 3 ]]; then
		grep "the prober" "$WORK/bg.err" | sed 's/^/  /'
		pass "restart: one warning, a new prober (pid $KILLED_PID, then $NEW_PID), round $KILLED_ROUND complete, akl and chc done, exit 0, all announce"
	else
		fail "restart: the campaign starts the prober again and finishes" "$why: $(grep -i 'error\|warn' "$WORK/bg.err" | tail -4)"
	fi
	if [[ $(duplicates) == 0 && -n $sent ]] && ((sent > 0 && stored == sent)); then
		pass "restart: every target of the killed round answered once ($stored replies of $sent probed)"
	else
		fail "restart: every target of the killed round answered once" "duplicates $(duplicates), stored $stored, sent '$sent'"
	fi
else
	wait_campaign
	fail "restart: kill the prober mid-round" "never saw the prober in a scenario round (campaign exit $RC: $(tail -3 "$WORK/bg.err"))"
fi

# 2: every prober is killed as soon as it is seen: the campaign gives up cleanly.
start_campaign -v run
if kill_prober_mid_round; then
	kills=1
	last=$KILLED_PID
	while campaign_alive && ((kills < 20)); do
		pid=$(prober_pid || true)
		if [[ -n $pid && $pid != "$last" ]]; then
			kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
			last=$pid
		fi
		sleep 0.02
	done
	wait_campaign
	ID=$(q "SELECT campaign_id FROM rounds WHERE id = $KILLED_ROUND")
	why="exit $RC, $kills kills; round $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND"); akl $(scen_status "$ID" akl); campaign $(q "SELECT status FROM campaigns WHERE id = $ID"); announcing $(announcing)"
	if ((RC == 1 && kills == 6)) &&
	    grep -q "site $PROBER_SITE: the prober died again after 5 restarts in a row; not starting it again" "$WORK/bg.err" &&
	    [[ $(q "SELECT status FROM rounds WHERE id = $KILLED_ROUND") == incomplete &&
	    $(scen_status "$ID" akl) == aborted &&
	    $(q "SELECT status FROM campaigns WHERE id = $ID") == failed && $(announcing) == 3 &&
	    $(duplicates) == 0 ]]; then
		grep "not starting it again" "$WORK/bg.err" | tail -1 | sed 's/^/  /'
		pass "give up: 6 probers killed, no 7th; round incomplete, akl aborted, campaign failed (exit 1), all announce"
	else
		fail "give up: the campaign gives up cleanly" "$why: $(grep -i 'error\|warn' "$WORK/bg.err" | tail -4)"
	fi
else
	wait_campaign
	fail "give up: kill the prober mid-round" "never saw the prober in a scenario round (campaign exit $RC: $(tail -3 "$WORK/bg.err"))"
fi

exit "$FAILED"
