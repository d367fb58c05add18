#!/bin/bash
# test-campaign-coverage.sh: probe methods and split targets in real
# campaigns on flows.topo (testbed/README.md): c1 c2 c3 answer ICMP, quiet
# drops ICMP echo but answers TCP, split balances per flow between akl
# (via r1) and chc (via r2), weights 1 1. 64 targets per network and
# family, three flows each.
#
# Campaign 1, probe_methods = icmp tcp:80, scenario syd:
#  - every target answers the baseline (coverage 100%); quiet's through
#    tcp:80, every other network's through icmp, and targets.method says so;
#  - every baseline reply of c1 c2 c3 quiet lands at the site `tb truth`
#    names; no target of theirs is split;
#  - in scenario syd, quiet's targets (probed with tcp:80) land at akl,
#    where truth says syd's catchment goes, and the matrix row syd sends
#    everything to akl with no split target;
#  - targets stats counts quiet's targets under tcp:80.
# Campaign 2, probe_methods = tcp:80, scenario chc:
#  - the split network is split: targets answer at akl and chc, and the
#    share of its replies at akl is within 5 points of the path split
#    (0.5); no target of another network is split;
#  - the matrix row chc (c2 and split's targets mostly at chc, which go
#    to syd via r2 and to akl via r1) has split targets and counts them
#    by their shares (a fractional count at akl).
#
# Needs root and sqlite3. Env: TB, TP_BUILD_DIR.
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbcv$$ /tmp/tpcoverage.XXXXXX

analyze() { "$BUILD/tp-analyze" -q -c "$CONF" "$@"; }
q() { sqlite3 -batch -noheader "$DB" "$@"; }
# Succeed when jq filter $1 is true of JSON $2.
jq_true() { jq -e "$1" <<<"$2" >/dev/null; }

# Set up the testbed's campaign with the [campaign] keys given, run one
# campaign and set CAMPAIGN to its id.
campaign() {
	CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 64 rate=20000 \
	    settle=1 sample_interval=1 sample_size=40 converge_timeout=15 deadman=60 \
	    min_change_interval=0 listen_grace=1 min_announcing=1 probes_per_target=3 "$@")
	DB=$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")
	"$BUILD/tp-campaign" -q -c "$CONF" run >"$WORK/run.out" 2>&1 ||
	    { fail "campaign run $*" "$(tail -5 "$WORK/run.out")"; exit 1; }
	CAMPAIGN=$(q "SELECT max(id) FROM campaigns")
}

# The replies of campaign $1's round of kind $2 (and scenario $3), with
# each target's client network (flows.topo puts network N in 198.18.N.0/24
# and 2001:db8:N::/48: byte 3, or bytes 5-6, of the address), family,
# site, method and flow; as an SQL subquery.
replies() {
	printf "(SELECT CASE t.family WHEN 4 THEN substr(hex(t.addr), 5, 2) ELSE substr(hex(t.addr), 9, 4) END + 0 AS net,
	    t.family AS fam, r.target_id AS target, s.name AS site, r.method AS method, r.flow AS flow
	    FROM responses r JOIN sites s ON s.id = r.site_id JOIN targets t ON t.id = r.target_id
	    JOIN rounds d ON d.id = r.round_id WHERE d.campaign_id = %d AND d.kind = '%s' %s)" \
	    "$1" "$2" "${3:+AND d.scenario_id = (SELECT id FROM scenarios WHERE campaign_id = $1 AND withdrawn = '$3')}"
}

need_root coverage
"$BUILD/tp-probe" send --help 2>&1 | grep -q -- --flows ||
    { echo "FAIL coverage: $BUILD/tp-probe has no --method/--flows"; exit 1; }
out=$(tb up flows 2>&1) || { fail "coverage testbed up" "$out"; exit 1; }
# Network numbers of flows.topo and their truth sites (the split network: its first uplink's).
declare -A NET=([1]=c1 [2]=c2 [3]=c3 [4]=quiet [5]=split)
truth=$(tb truth --json)
site_of() { jq -r --arg c "$1" --arg f "site$2" '.clients[] | select(.name == $c) | .[$f]' <<<"$truth"; }

# Campaign 1.
campaign "probe_methods=icmp tcp:80" single=syd
ONE=$CAMPAIGN
total=$(q "SELECT count(*) FROM targets")
answered=$(q "SELECT count(DISTINCT target) FROM $(replies "$ONE" baseline)")
check "coverage all $total targets answer the baseline" "$answered answered" [ "$answered" -eq "$total" -a "$total" -eq 640 ]
got=$(q "SELECT net || ':' || method || ':' || count(DISTINCT target) FROM $(replies "$ONE" baseline) GROUP BY net, method ORDER BY net, method" | tr '\n' ' ')
check "coverage quiet through tcp:80, the rest through icmp" "$got" \
    [ "$got" == "1:icmp:128 2:icmp:128 3:icmp:128 4:tcp:80:128 5:icmp:128 " ]
got=$(q "SELECT method || ':' || count(*) FROM targets GROUP BY method ORDER BY method" | tr '\n' ' ')
check "coverage targets.method stored" "$got" [ "$got" == "icmp:512 tcp:80:128 " ]
bad=
for n in 1 2 3 4; do
	for fam in 4 6; do
		want=$(site_of "${NET[$n]}" "$fam")
		got=$(q "SELECT group_concat(DISTINCT site) FROM $(replies "$ONE" baseline) WHERE net = $n AND fam = $fam")
		[[ $got == "$want" ]] || bad+="${NET[$n]} ipv$fam at $got, truth $want; "
	done
done
check "coverage unsplit networks at their truth site" "$bad" [ -z "$bad" ]
split=$(q "SELECT count(*) FROM (SELECT target FROM $(replies "$ONE" baseline) WHERE net != 5 GROUP BY target HAVING count(DISTINCT site) > 1)")
check "coverage no unsplit network's target split" "$split split" [ "$split" -eq 0 ]
got=$(q "SELECT group_concat(DISTINCT site) FROM $(replies "$ONE" scenario syd) WHERE net = 4")
n=$(q "SELECT count(DISTINCT target) || ':' || group_concat(DISTINCT method) FROM $(replies "$ONE" scenario syd) WHERE net = 4")
check "coverage scenario syd: quiet's targets through tcp:80 at akl ($n)" "$got, $n" \
    [ "$got" == akl -a "$n" == 128:tcp:80 ]
row=$(analyze -j matrix --campaign "$ONE" | jq -c '.scenarios[] | select(.from == "syd") | [.to.akl.share, .split.targets]')
check "coverage matrix syd: all to akl, none split" "$row" jq_true '.[0] == 1 and .[1] == 0' "$row"
got=$(analyze -j targets stats | jq -r '[.[] | select(.site == "syd") | .["tcp:80"]] | add')
check "coverage targets stats: quiet's 128 under tcp:80 at syd" "$got" [ "$got" == 128 ]

# Campaign 2.
campaign "probe_methods=tcp:80" single=chc
TWO=$CAMPAIGN
read -r targets splits akl all < <(q -separator ' ' "SELECT count(DISTINCT target),
    (SELECT count(*) FROM (SELECT target FROM $(replies "$TWO" baseline) WHERE net = 5 GROUP BY target HAVING count(DISTINCT site) > 1)),
    sum(site = 'akl'), count(*) FROM $(replies "$TWO" baseline) WHERE net = 5")
share=$(awk -v a="$akl" -v n="$all" 'BEGIN { printf("%.3f", a / n) }')
check "split network found: $splits of $targets targets split, $share of $all replies at akl (path split 0.5)" \
    "share $share" awk -v s="$share" -v k="$splits" 'BEGIN { exit !(s >= 0.45 && s <= 0.55 && k >= 32) }'
others=$(q "SELECT group_concat(DISTINCT site) FROM $(replies "$TWO" baseline) WHERE net = 5")
check "split network's replies at akl and chc only" "$others" [ "$others" == akl,chc -o "$others" == chc,akl ]
split=$(q "SELECT count(*) FROM (SELECT target FROM $(replies "$TWO" baseline) WHERE net != 5 GROUP BY target HAVING count(DISTINCT site) > 1)")
check "split no other network flagged (tcp)" "$split split" [ "$split" -eq 0 ]
# chc's split targets (two flows via r2, one via r1) now land at syd and
# akl, 2/3 and 1/3: akl's count is a third of the split targets; c2 and
# the split network's unsplit targets all go to syd.
row=$(analyze -j matrix --campaign "$TWO" | jq -c '.scenarios[] | select(.from == "chc") | [.split.targets, .to.akl.targets, .to.syd.targets + .to.akl.targets + .lost.targets - .responsive]')
check "split matrix chc: split targets counted by their shares ([split, akl, sum - responsive] $row)" "$row" \
    jq_true '.[0] > 0 and ((.[1] * 3 - .[0]) | fabs) < 0.01 and (.[2] | fabs) < 0.01' "$row"

tb down >/dev/null || fail "coverage down" "tb down failed"
exit "$FAILED"
