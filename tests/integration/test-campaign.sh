#!/bin/bash
# test-campaign.sh: tp-campaign on the tiny testbed, against real BIRD.
#
#  1. A whole campaign (every single site, chains of depth 1): every target
#     of every scenario round replied at exactly the site `tb truth` names
#     for its client network with that scenario's sites withdrawn.
#  2. A second campaign while one runs is refused with a clear message.
#  3. SIGTERM during a withdrawal: every site announces afterwards and the
#     campaign is marked aborted.
#  4. SIGKILL during a withdrawal: the announcements are back within the
#     dead-man time; `resume` then finishes the campaign, and its matrix
#     equals the uninterrupted run's.
#  7. The killed campaign's scenario is left running; the resume takes it
#     over and outwaits a write lock another program holds for 8 s in the
#     middle of a scenario; no exit (SIGTERM, failure, done) leaves a
#     scenario running.
#  5. A listener that cannot start at one site fails the preflight with
#     that site's name, and nothing is withdrawn.
#  6. A forged listener stream (issue 19, item 4): site chc's exec prefix
#     is a wrapper that puts, before each of its listener's replies, the
#     same reply claimed for site akl, for a site "phantom", and for a
#     finished round of the first campaign. The campaign still finishes;
#     its matrix equals the first campaign's (without the binding the
#     akl claims would land first and move chc's replies to akl), no site
#     is added, the finished round keeps its rows, and the run says so.
#
# With CAMPAIGN_OVER_SSH=1 (test-campaign-ssh.sh) every site is reached
# as in production, by `exec = ssh ...` to an sshd in the site's namespace
# (`tb ssh-up`), and every tp-campaign runs in the testbed's controller
# namespace, from which only those sshds are reachable.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
OVER_SSH=${CAMPAIGN_OVER_SSH:-}
testbed_init tpbc${OVER_SSH:+s}$$ /tmp/tpcampaign.XXXXXX
# Over ssh every step costs a handshake, and a scenario (withdraw, converge,
# measure) takes longer than 15 s: BIRD's dead-man switch would announce
# the site again in the middle of the measurement.
DEADMAN=15
[[ -z $OVER_SSH ]] || DEADMAN=40
LABEL=campaign${OVER_SSH:+ over ssh}
# Over ssh, AT_CONTROLLER runs tp-campaign in the controller namespace.

pass() { printf 'PASS %s\n' "${1/#campaign/$LABEL}"; }
fail() { printf 'FAIL %s: %s\n' "${1/#campaign/$LABEL}" "$2"; FAILED=1; }

# Wait up to $1 seconds until all $NSITES sites announce; 0 when they do.
wait_all_announcing() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		[[ $(announcing) == "$NSITES" ]] && return 0
		sleep 0.2
	done
	return 1
}

# Wait until some site is withdrawn (a campaign is inside a scenario).
wait_some_withdrawn() {
	local i
	for ((i = 0; i < 300; i++)); do
		n=$(announcing)
		[[ -n $n && $n != null && $n -lt $NSITES ]] && return 0
		sleep 0.1
	done
	return 1
}

# A matrix without what differs between campaigns (ids of the campaign and its rounds).
comparable() {
	jq -S 'del(.campaign, .baseline_round) | .scenarios |= (map(del(.round)) | sort_by(.withdrawn, .from))'
}

# How many scenarios the database says are running.
running_scenarios() {
	sqlite3 -cmd '.timeout 10000' "$DB" "SELECT COUNT(*) FROM scenarios WHERE status = 'running'"
}

# Truth for scenario $1 ("A+B"): withdraw its sites in BIRD directly, read
# `tb truth`, announce again; prints "client family site" lines.
truth_for() {
	local s sites=${1//+/ } i
	for s in $sites; do
		tb birdc "$s" disable tp_anycast4 >/dev/null
		tb birdc "$s" disable tp_anycast6 >/dev/null
	done
	for ((i = 0; i < 100; i++)); do
		sleep 0.2
		tb truth --json >"$WORK/truth.json"
		local bad=0
		for s in $sites; do
			jq -e --arg s "$s" '[.clients[] | select(.site4 == $s or .site6 == $s)] | length == 0' \
			    "$WORK/truth.json" >/dev/null || bad=1
		done
		((bad == 0)) && break
	done
	sleep 1	# let the rest of BGP settle too
	tb truth --json | jq -r '.clients[] | "\(.name) 4 \(.site4 // "none")", "\(.name) 6 \(.site6 // "none")"'
	for s in $sites; do
		tb birdc "$s" enable tp_anycast4 >/dev/null
		tb birdc "$s" enable tp_anycast6 >/dev/null
	done
	wait_all_announcing 30 || true
	sleep 1
}

# Check every scenario of campaign $1 against truth; $2 = check name.
check_against_truth() {
	local id=$1 name=$2 bad= scen got want
	sqlite3 "$DB" "SELECT s.withdrawn, hex(t.addr), si.name FROM responses p
		JOIN rounds r ON r.id = p.round_id JOIN scenarios s ON s.id = r.scenario_id
		JOIN targets t ON t.id = p.target_id JOIN sites si ON si.id = p.site_id
		WHERE r.kind = 'scenario' AND s.campaign_id = $id
		  AND r.id = (SELECT MAX(id) FROM rounds WHERE scenario_id = s.id AND kind = 'scenario')" \
	    | tr '|' ' ' | sort >"$WORK/measured"
	[[ -s $WORK/measured ]] || { fail "$name" "no scenario responses stored"; return; }
	: >"$WORK/expected"
	for scen in $(cut -d' ' -f1 "$WORK/measured" | sort -u); do
		truth_for "$scen" >"$WORK/truth.$scen"
		awk -v scen="$scen" "$to_hex_awk"'
			FILENAME == ARGV[1] { site[$1 " " $2] = $3; next }
			{ fam = index($1, ":") ? 6 : 4; print scen, tohex($1), site[$2 " " fam] }' \
		    "$WORK/truth.$scen" "$WORK/clients" >>"$WORK/expected"
	done
	# Every measured reply must be at the truth site; and every target of
	# the withdrawn sites' catchment must have been measured there.
	bad=$(awk 'FILENAME == ARGV[1] { want[$1 " " $2] = $3; next }
		{ if (want[$1 " " $2] != $3) { print $1, $2, "at", $3, "truth", want[$1 " " $2]; n++ } }
		END { exit n > 0 }' "$WORK/expected" "$WORK/measured" | head -5) ||
	    { fail "$name" "replies away from truth: $bad"; return; }
	got=$(wc -l <"$WORK/measured")
	pass "$name ($got scenario replies over $(cut -d' ' -f1 "$WORK/measured" | sort -u | wc -l) scenarios, all at the truth site)"
}

need_root campaign

out=$(tb up tiny 2>&1) || { fail "campaign testbed up" "$out"; exit 1; }
if [[ -n $OVER_SSH ]]; then
	ctl=$(tb ssh-up --bindir "$BUILD" 2>"$WORK/ssh-up.err") || { fail "campaign ssh up" "$(cat "$WORK/ssh-up.err")"; exit 1; }
	AT_CONTROLLER=(ip netns exec "$ctl")
fi
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 rate=20000 settle=1 \
    sample_interval=1 sample_size=40 converge_timeout=10 deadman=$DEADMAN listen_grace=1 \
    min_announcing=1 chains=1 control_share=0.25)
DB=$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")
NSITES=$(tb status --json | jq '[.nodes[] | select(.kind == "site")] | length')
# Which client network each target belongs to.
tb targets --with-client --per-network 16 >"$WORK/clients"

# 1 and 2: a whole campaign; a second one while it runs.
start_campaign -v run
if wait_some_withdrawn; then
	rc=0
	campaign run >"$WORK/second.out" 2>&1 || rc=$?
	if ((rc == 4)) && grep -q "another campaign is running" "$WORK/second.out"; then
		pass "campaign second run refused while one runs"
	else
		fail "campaign second run refused while one runs" "exit $rc: $(cat "$WORK/second.out")"
	fi
else
	fail "campaign second run refused while one runs" "the first never withdrew a site"
fi
wait_campaign
rc=$RC
if ((rc == 0)); then
	pass "campaign run finishes (exit 0)"
else
	fail "campaign run finishes (exit 0)" "exit $rc: $(tail -5 "$WORK/bg.err")"
fi
FIRST=$(campaign -j list | jq '.[0].campaign')
[[ $(campaign -j list | jq -r '.[0].status') == done ]] && pass "campaign marked done" ||
    fail "campaign marked done" "$(campaign list)"
n=$(campaign -j status "$FIRST" | jq '[.[] | select(.status == "done")] | length')
# 3 singles + 3 chains of depth 1, of which tiny makes akl+chc, chc+syd, akl+syd
((n == 6)) && pass "campaign ran 3 single and 3 chain scenarios" ||
    fail "campaign ran 3 single and 3 chain scenarios" "$(campaign status "$FIRST")"
check_against_truth "$FIRST" "campaign every reply at the site truth names"
analyze -j matrix --campaign "$FIRST" | comparable >"$WORK/matrix.first"

# 3: SIGTERM during a withdrawal.
start_campaign run
if wait_some_withdrawn; then
	kill -TERM "$CAMPAIGN_PID"
	wait_campaign
	rc=$RC
	status=$(campaign -j list | jq -r '.[0].status')
	n=$(running_scenarios)
	if ((rc == 5 && n == 0)) && [[ $(announcing) == "$NSITES" && $status == aborted ]]; then
		pass "campaign SIGTERM: every site announces, campaign aborted, no scenario left running"
	else
		fail "campaign SIGTERM: every site announces, campaign aborted, no scenario left running" \
		    "exit $rc, announcing $(announcing)/$NSITES, status $status, $n running"
	fi
else
	fail "campaign SIGTERM" "no withdrawal seen"
fi

# 4: SIGKILL during a withdrawal, then resume.
ABORTED=$(campaign -j list | jq '.[0].campaign')
start_campaign resume "$ABORTED"
if wait_some_withdrawn; then
	sleep 0.5
	kill_campaign
	start=$(date +%s)
	if wait_all_announcing $((DEADMAN + 10)); then
		pass "campaign SIGKILL: announcements back after $(($(date +%s) - start)) s (dead-man $DEADMAN s)"
	else
		fail "campaign SIGKILL: announcements back within the dead-man time" \
		    "still $(announcing)/$NSITES announcing after $((DEADMAN + 10)) s"
	fi
else
	fail "campaign SIGKILL" "no withdrawal seen"
fi
# 7: the killed campaign left its scenario running; resume takes it over,
# and outwaits a write lock held for 8 s in the middle of a scenario
# (longer than SQLite's 5 s default): it finishes, leaving nothing running.
n=$(running_scenarios)
((n >= 1)) && pass "campaign SIGKILL leaves $n scenario running (a dead process's)" ||
    fail "campaign SIGKILL leaves its scenario running" "none running: $(campaign status "$ABORTED")"
start_campaign resume "$ABORTED"
if wait_some_withdrawn; then
	sleep 1
	sqlite3 "$DB" ".timeout 60000" "BEGIN IMMEDIATE;" "SELECT 'locked';" ".shell sleep 8" \
	    "COMMIT;" >"$WORK/holder.out" 2>&1 || true
	grep -q '^locked$' "$WORK/holder.out" || fail "campaign resume under a held write lock" \
	    "the lock was not taken: $(cat "$WORK/holder.out")"
fi
wait_campaign
rc=$RC
cp "$WORK/bg.err" "$WORK/resume.out"
n=$(running_scenarios)
if ((rc == 0 && n == 0)); then
	pass "campaign resume outwaits an 8 s write lock and leaves no scenario running"
else
	fail "campaign resume outwaits an 8 s write lock and leaves no scenario running" \
	    "exit $rc, $n running: $(tail -3 "$WORK/resume.out")"
fi
analyze -j matrix --campaign "$ABORTED" | comparable >"$WORK/matrix.resumed"
if ((rc == 0)) && cmp -s "$WORK/matrix.first" "$WORK/matrix.resumed"; then
	pass "campaign resume finishes; its matrix equals the uninterrupted run's"
else
	fail "campaign resume finishes; its matrix equals the uninterrupted run's" \
	    "exit $rc: $(tail -3 "$WORK/resume.out") $(diff "$WORK/matrix.first" "$WORK/matrix.resumed" | head -10)"
fi

# 5: a listener that cannot start.
sed '/^\[site chc\]/a interface = nosuchif0' "$CONF" >"$WORK/broken.conf"
rc=0
"${AT_CONTROLLER[@]}" "$BUILD/tp-campaign" -c "$WORK/broken.conf" run >"$WORK/broken.out" 2>&1 || rc=$?
if ((rc == 3)) && grep -q "preflight.*site chc" "$WORK/broken.out" && [[ $(announcing) == "$NSITES" ]]; then
	pass "campaign preflight names the site whose listener cannot start"
else
	fail "campaign preflight names the site whose listener cannot start" "exit $rc: $(cat "$WORK/broken.out")"
fi

# 6: a listener that speaks for another site, a phantom site and a finished round.
# Not over ssh: the wrapper in front of the ssh line makes it longer than
# tp.conf's 197-character line limit (the binding does not depend on the
# transport).
[[ -z $OVER_SSH ]] || exit "$FAILED"
EARLY=$(sqlite3 "$DB" "SELECT r.id FROM rounds r JOIN scenarios s ON s.id = r.scenario_id
	WHERE s.campaign_id = $FIRST AND s.withdrawn = 'akl' AND r.kind = 'scenario'
	ORDER BY r.id DESC LIMIT 1")
first_rows() {
	sqlite3 "$DB" "SELECT count(*) FROM responses WHERE round_id IN
		(SELECT id FROM rounds WHERE campaign_id = $FIRST)"
}
rows_before=$(first_rows)
sites_before=$(sqlite3 "$DB" "SELECT group_concat(name) FROM sites")
cat >"$WORK/forge" <<EOF
#!/bin/bash
# Run the site's command; before each chc reply of a listener, forge the
# same reply for site akl, for a site phantom, and for round $EARLY.
case " \$* " in
*" listen "*) exec "\$@" > >(exec awk -v early=$EARLY '
	\$1 == "reply" && \$3 == "chc" {
		a = \$0; sub(/ chc /, " akl ", a); print a
		p = \$0; sub(/ chc /, " phantom ", p); print p
		e = \$0; sub(/^reply [0-9]+ /, "reply " early " ", e); print e }
	{ print; fflush() }') ;;
*) exec "\$@" ;;
esac
EOF
chmod +x "$WORK/forge"
sed "/^\[site chc\]/,/^\[/ s|^exec = |exec = $WORK/forge |" "$CONF" >"$WORK/forge.conf"
name="campaign forged records for another site, a phantom site and a finished round are not stored"
rc=0
"${AT_CONTROLLER[@]}" "$BUILD/tp-campaign" -c "$WORK/forge.conf" run >"$WORK/forge.out" 2>&1 || rc=$?
FORGED=$(campaign -j list | jq '.[0].campaign')
analyze -j matrix --campaign "$FORGED" | comparable >"$WORK/matrix.forged"
sites_after=$(sqlite3 "$DB" "SELECT group_concat(name) FROM sites")
rows_after=$(first_rows)
if ! grep -q "exec = $WORK/forge" "$WORK/forge.conf"; then
	fail "$name" "site chc has no exec line to wrap"
elif ((rc != 0)); then
	fail "$name" "exit $rc: $(tail -3 "$WORK/forge.out")"
elif ! cmp -s "$WORK/matrix.first" "$WORK/matrix.forged"; then
	fail "$name" "matrix differs: $(diff "$WORK/matrix.first" "$WORK/matrix.forged" | head -10)"
elif [[ $sites_after != "$sites_before" ]]; then
	fail "$name" "sites were $sites_before, now $sites_after"
elif [[ $rows_after != "$rows_before" ]]; then
	fail "$name" "campaign $FIRST had $rows_before responses, now $rows_after"
elif ! grep -q "not this listener's site" "$WORK/forge.out" ||
    ! grep -q "records named another site or round" "$WORK/forge.out"; then
	fail "$name" "no warning: $(tail -3 "$WORK/forge.out")"
else
	pass "$name ($(grep -c "records named another site" "$WORK/forge.out") rounds warned)"
fi

exit "$FAILED"
