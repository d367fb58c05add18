#!/bin/bash
# test-campaign-lanes.sh: tp-campaign over several lanes (test prefixes) on
# the tiny testbed, against real BIRD.
#
#  1. 3 lanes (setup-campaign --lanes 3), every single site and chains of
#     depth 1: the campaign finishes; every scenario ran on a lane and all
#     3 lanes were used; two scenarios ran at the same time; on each lane
#     two withdrawals are at least 2 * min_change_interval apart (pacing);
#     every reply of a scenario on lane K landed at the site
#     `tb truth --lane K` names with that scenario's sites withdrawn on
#     lane K (both families).
#  2. The same with 1 lane (--lanes 1, lane1 only).
#  3. kill -9 while two lanes are withdrawn at the same site (sets
#     akl+chc and akl+syd): every lane is announced at every site again
#     within the dead-man time (BIRD's switch, armed by the first lane);
#     `resume` then finishes both sets, each on a lane.
#  4. SIGTERM while two lanes are withdrawn at akl: exit 5, every lane of
#     every site up (birdc show protocols), the campaign aborted, no
#     scenario left running.
#  5. akl's BIRD killed while two lanes are withdrawn there: exit 6 (akl
#     could not be re-announced), the log names akl, every lane at chc and
#     syd announced again; once BIRD is restarted every lane is up.
# Why it fails when the code is wrong: a scenario measured on the wrong
# lane or prefix lands elsewhere than that lane's truth; a lane that never
# runs, lanes run one after the other, or a lane changing faster than
# pacing allows fail check 1; a dead-man re-armed by the second lane or a
# restore that forgets a lane leave protocols down in 3 and 4.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbl$$ /tmp/tplanes.XXXXXX
RESTARTED=
DEADMAN=30
MCI=3		# min_change_interval in the campaigns of checks 1 and 2
SITES="akl chc syd"

# Kill the BIRD check 5 restarted at akl, if it still runs (by PID, only
# when it is a bird of this test's run folder); cleanup runs it.
cleanup_more() {
	if [[ -n $RESTARTED && $(cat "/proc/$RESTARTED/comm" 2>/dev/null) == bird ]] &&
	    tr '\0' ' ' <"/proc/$RESTARTED/cmdline" 2>/dev/null | grep -q -- "-s $TB_RUN_DIR/"; then
		kill -9 "$RESTARTED" 2>/dev/null || true
	fi
}

pass() { printf 'PASS lanes %s\n' "$1"; }
fail() { printf 'FAIL lanes %s: %s\n' "$1" "$2"; FAILED=1; }

# Lanes (1 to 3) whose protocols are down at site $1 right now, one per line.
lanes_down_at() {
	tb birdc "$1" show protocols 2>/dev/null |
	    awk '$1 ~ /^tp_lane[0-9]+_[46]$/ && $4 != "up" { sub(/^tp_lane/, "", $1); sub(/_.*/, "", $1); print $1 }' |
	    sort -u
}

# 0 when every lane protocol of every site is up.
all_lanes_up() {
	local s
	for s in $SITES; do
		[[ -z $(lanes_down_at "$s") ]] || return 1
	done
}

# Wait up to $1 seconds for all_lanes_up; prints the seconds it took.
wait_all_up() {
	local start i
	start=$(date +%s)
	for ((i = 0; i < $1 * 5; i++)); do
		all_lanes_up && { echo $(($(date +%s) - start)); return 0; }
		sleep 0.2
	done
	return 1
}

# Wait up to 60 s until $1 lanes are down at site $2.
wait_lanes_down() {
	local i
	for ((i = 0; i < 300; i++)); do
		(($(lanes_down_at "$2" | wc -l) >= $1)) && return 0
		sleep 0.2
	done
	return 1
}

# Write the testbed's tp.conf with $1 lanes and the keys after it.
configure() {
	local n=$1
	shift
	CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 --lanes "$n" \
	    rate=20000 settle=1 sample_interval=1 sample_size=40 converge_timeout=10 \
	    deadman=$DEADMAN listen_grace=1 min_announcing=1 control_share=0.25 "$@")
	DB=$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")
}

# Truth for scenario $1 ("A+B") on lane $2: withdraw the lane at its sites
# in BIRD, read `tb truth --lane`, announce again; "client family site" lines.
truth_for() {
	local s sites=${1//+/ } lane=$2 i bad
	for s in $sites; do
		tb birdc "$s" disable "tp_lane${lane}_4" >/dev/null
		tb birdc "$s" disable "tp_lane${lane}_6" >/dev/null
	done
	for ((i = 0; i < 100; i++)); do
		sleep 0.2
		tb truth --json --lane "$lane" >"$WORK/truth.json"
		bad=0
		for s in $sites; do
			jq -e --arg s "$s" '[.clients[] | select(.site4 == $s or .site6 == $s)] | length == 0' \
			    "$WORK/truth.json" >/dev/null || bad=1
		done
		((bad == 0)) && break
	done
	sleep 1
	tb truth --json --lane "$lane" |
	    jq -r '.clients[] | "\(.name) 4 \(.site4 // "none")", "\(.name) 6 \(.site6 // "none")"'
	for s in $sites; do
		tb birdc "$s" enable "tp_lane${lane}_4" >/dev/null
		tb birdc "$s" enable "tp_lane${lane}_6" >/dev/null
	done
	wait_all_up 30 >/dev/null || true
	sleep 1
}

# Every reply of campaign $1's scenarios at its lane's truth site; $2 = name.
check_against_truth() {
	local id=$1 name=$2 bad scen lane got
	sqlite3 "$DB" "SELECT s.withdrawn, substr(s.lane, 5), hex(t.addr), si.name FROM responses p
		JOIN rounds r ON r.id = p.round_id JOIN scenarios s ON s.id = r.scenario_id
		JOIN targets t ON t.id = p.target_id JOIN sites si ON si.id = p.site_id
		WHERE r.kind = 'scenario' AND s.campaign_id = $id
		  AND r.id = (SELECT MAX(id) FROM rounds WHERE scenario_id = s.id AND kind = 'scenario')" \
	    | tr '|' ' ' | sort >"$WORK/measured"
	[[ -s $WORK/measured ]] || { fail "$name" "no scenario responses stored"; return; }
	: >"$WORK/expected"
	while read -r scen lane; do
		truth_for "$scen" "$lane" >"$WORK/truth.$scen"
		awk -v scen="$scen" -v lane="$lane" "$to_hex_awk"'
			FILENAME == ARGV[1] { site[$1 " " $2] = $3; next }
			{ fam = index($1, ":") ? 6 : 4; print scen, lane, tohex($1), site[$2 " " fam] }' \
		    "$WORK/truth.$scen" "$WORK/clients" >>"$WORK/expected"
	done < <(cut -d' ' -f1,2 "$WORK/measured" | sort -u)
	bad=$(awk 'FILENAME == ARGV[1] { want[$1 " " $2 " " $3] = $4; next }
		{ k = $1 " " $2 " " $3; if (want[k] != $4) { print $1, "lane", $2, $3, "at", $4, "truth", want[k]; n++ } }
		END { exit n > 0 }' "$WORK/expected" "$WORK/measured" | head -5) ||
	    { fail "$name" "replies away from truth: $bad"; return; }
	got=$(wc -l <"$WORK/measured")
	families=$(awk '{ print length($3) == 8 ? 4 : 6 }' "$WORK/measured" | sort -u | tr '\n' ' ')
	if [[ $families == "4 6 " ]]; then
		pass "$name ($got replies over $(cut -d' ' -f1 "$WORK/measured" | sort -u | wc -l) scenarios, IPv4 and IPv6, all at their lane's truth site)"
	else
		fail "$name" "replies of families $families only"
	fi
}

# Check 1 and 2: a whole campaign over $1 lanes; $2 scenarios expected.
whole_campaign() {
	local n=$1 want=$2 rc id done lanes overlap gap
	configure "$n" chains=1 min_change_interval=$MCI
	rc=0
	campaign run >"$WORK/run.out" 2>"$WORK/run.err" || rc=$?
	id=$(campaign -j list | jq '.[0].campaign')
	done=$(sqlite3 "$DB" "SELECT COUNT(*) FROM scenarios WHERE campaign_id = $id AND status = 'done' AND lane IS NOT NULL")
	lanes=$(sqlite3 "$DB" "SELECT COUNT(DISTINCT lane) FROM scenarios WHERE campaign_id = $id")
	if ((rc == 0 && done == want && lanes == n)); then
		pass "$n lanes: campaign finishes, $done scenarios done, each on a lane, $lanes lanes used"
	else
		fail "$n lanes: campaign finishes" "exit $rc, $done of $want done, $lanes lanes: $(tail -3 "$WORK/run.err")"
	fi
	# two scenarios at once (on different lanes)
	overlap=$(sqlite3 "$DB" "SELECT COUNT(*) FROM scenarios a JOIN scenarios b ON a.id < b.id
		AND a.campaign_id = b.campaign_id AND a.lane <> b.lane
		AND a.started_us < b.finished_us AND b.started_us < a.finished_us WHERE a.campaign_id = $id")
	if ((n > 1 && overlap > 0)); then
		pass "$n lanes: scenarios overlap in time on different lanes ($overlap pairs)"
	elif ((n > 1)); then
		fail "$n lanes: scenarios overlap in time" "none did: the lanes ran one after the other"
	fi
	# on one lane, two withdrawals at least 2 * min_change_interval apart
	gap=$(sqlite3 "$DB" "SELECT COALESCE(MIN(b.started_us - a.started_us), 1e12) / 1e6 FROM scenarios a
		JOIN scenarios b ON b.campaign_id = a.campaign_id AND b.lane = a.lane
		AND b.started_us > a.started_us WHERE a.campaign_id = $id")
	if awk -v g="$gap" -v m="$MCI" 'BEGIN { exit !(g >= 2 * m - 1) }'; then
		pass "$n lanes: pacing: withdrawals on one lane at least $gap s apart (2 x min_change_interval $MCI s)"
	else
		fail "$n lanes: pacing" "two withdrawals on one lane only $gap s apart"
	fi
	check_against_truth "$id" "$n lanes: every reply at its lane's truth site"
}

# A campaign of sets akl+chc and akl+syd on 2 lanes, started in the
# background; 0 once both lanes are withdrawn at akl.
two_lanes_at_akl() {
	configure 2 single=none "sets=akl+chc, akl+syd" chains=0 min_change_interval=12
	start_campaign run
	wait_lanes_down 2 akl
}

need_root lanes
need_built lanes "$BUILD/tp-campaign"

out=$(tb up tiny 2>&1) || { fail "testbed up" "$out"; exit 1; }
tb targets --with-client --per-network 16 >"$WORK/clients"

whole_campaign 3 6
whole_campaign 1 6


# 3: kill -9 with two lanes withdrawn at akl.
if two_lanes_at_akl; then
	kill_campaign
	if secs=$(wait_all_up $((DEADMAN + 5))); then
		pass "kill -9 with 2 lanes withdrawn at akl: every lane back after $secs s (dead-man $DEADMAN s)"
	else
		fail "kill -9 with 2 lanes withdrawn at akl" "lanes still down at akl: $(lanes_down_at akl | tr '\n' ' ')"
	fi
	# resume: both sets finish, each on a lane
	wait_all_up 60 >/dev/null || true
	KILLED=$(campaign -j list | jq '.[0].campaign')
	rc=0
	campaign resume "$KILLED" >"$WORK/resume.out" 2>"$WORK/resume.err" || rc=$?
	done=$(sqlite3 "$DB" "SELECT COUNT(*) FROM scenarios WHERE campaign_id = $KILLED AND status = 'done' AND lane IS NOT NULL")
	if ((rc == 0 && done == 2)) && all_lanes_up; then
		pass "resume after kill -9: both sets done on their lanes, every lane up"
	else
		fail "resume after kill -9" "exit $rc, $done of 2 done: $(tail -3 "$WORK/resume.err")"
	fi
else
	fail "kill -9 with 2 lanes withdrawn at akl" "never saw 2 lanes down at akl: $(tail -3 "$WORK/bg.err")"
fi
wait_all_up 60 >/dev/null || true

# 4: SIGTERM with two lanes withdrawn at akl.
if two_lanes_at_akl; then
	kill -TERM "$CAMPAIGN_PID"
	wait_campaign
	rc=$RC
	status=$(campaign -j list | jq -r '.[0].status')
	id=$(campaign -j list | jq '.[0].campaign')
	running=$(sqlite3 -cmd '.timeout 10000' "$DB" "SELECT COUNT(*) FROM scenarios WHERE status = 'running' AND campaign_id = $id")
	if ((rc == 5 && running == 0)) && all_lanes_up && [[ $status == aborted ]]; then
		pass "SIGTERM with 2 lanes withdrawn at akl: exit 5, every lane up at every site, aborted"
	else
		fail "SIGTERM with 2 lanes withdrawn at akl" "exit $rc, status $status, $running running, down at akl: $(lanes_down_at akl | tr '\n' ' ')"
	fi
else
	fail "SIGTERM with 2 lanes withdrawn at akl" "never saw 2 lanes down at akl"
fi
wait_all_up 60 >/dev/null || true

# 5: akl's BIRD killed with two lanes withdrawn there.
if two_lanes_at_akl; then
	pid=$(cat "$TB_RUN_DIR/akl.pid")
	kill -KILL "$pid"
	wait_campaign
	rc=$RC
	status=$(campaign -j list | jq -r '.[0].status')
	if ((rc == 6)) && grep -q "CHECK SITE akl NOW" "$WORK/bg.err" &&
	    [[ -z $(lanes_down_at chc) && -z $(lanes_down_at syd) && $status == failed ]]; then
		pass "BIRD killed with 2 lanes withdrawn at akl: exit 6, names akl, chc and syd re-announced on every lane"
	else
		fail "BIRD killed with 2 lanes withdrawn at akl" "exit $rc, status $status: $(tail -3 "$WORK/bg.err")"
	fi
	rm -f "$TB_RUN_DIR/akl.ctl"
	ip netns exec "$TB_PREFIX-akl" bird -c "$TB_RUN_DIR/akl.conf" -s "$TB_RUN_DIR/akl.ctl" \
	    -P "$TB_RUN_DIR/akl.pid"
	sleep 1
	RESTARTED=$(cat "$TB_RUN_DIR/akl.pid" 2>/dev/null || true)
	if secs=$(wait_all_up 30); then
		pass "akl's BIRD restarted: every lane up at every site"
	else
		fail "akl's BIRD restarted" "lanes down at akl: $(lanes_down_at akl | tr '\n' ' ')"
	fi
else
	fail "BIRD killed with 2 lanes withdrawn at akl" "never saw 2 lanes down at akl"
fi

exit "$FAILED"
