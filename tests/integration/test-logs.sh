#!/bin/bash
# test-logs.sh: the real tp-analyze binary on request logs and retention.
#
# No testbed: logs and SQLite files only.
#  - A combined log of 3,000 lines (1,000 clients, 3 requests each) piped
#    zstd-compressed through standard input ("-") and the same log gzip'd
#    as a file, in one import: 1,000 targets of weight 6 each; with the
#    umask 000 the new database is 0600.
#  - Two malformed lines and one line with a hostname: exit 0, the first
#    bad lines shown as FILE:LINE, one summary line counting them by reason.
#  - The wrong --format (json on a combined log): exit 1, one line, the
#    list stored before unchanged.
#  - --since on a gzip'd JSON log (the default time fields, ISO 8601 and
#    epoch seconds) and on a CSV log from standard input (--time-column):
#    only the lines at or after the time are kept; a JSON line without a
#    time is a bad line ("no timestamp field").
#  - A database path that is a symlink owned by nobody: exit 1, one line
#    naming the symlink, nothing created behind it.
#  - tp.conf with retain_days = 30 and a campaign 40 days old: tp-analyze
#    -c tp.conf prune deletes its replies, keeps its matrix (matrix
#    --campaign 1 prints the same before and after).
# Why it fails when the behaviour is wrong: weights other than 6, an old
# line kept by --since or a new one dropped, a
# world-readable file, a zero exit or two error lines, a list changed by a
# failed import, a followed symlink, or a matrix that changes or vanishes.
#
# Needs root (chown of a symlink). Env: TP_BUILD_DIR. Prints PASS/FAIL
# lines; exits 1 when anything failed.

set -euo pipefail

BUILD=${TP_BUILD_DIR:-/tmp/build-main}
ANALYZE=$BUILD/tp-analyze
WORK=$(mktemp -d /tmp/tplogs.XXXXXX)
FAILED=0
trap 'rm -rf "$WORK"' EXIT
trap 'exit 143' TERM INT

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

# Run tp-analyze with the arguments; sets RC; output in $WORK/out and $WORK/err.
analyze() {
	RC=0
	"$ANALYZE" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
}

for i in 1 2 3; do
	for c in $(seq 0 999); do
		printf '198.18.%d.%d - - [28/Nov/2026:10:00:%02d +0000] "GET / HTTP/1.1" 200 %d "-" "t"\n' \
			$((c / 250)) $((c % 250 + 1)) "$i" "$c"
	done
done > "$WORK/access.log"
gzip -c "$WORK/access.log" > "$WORK/access.log.1.gz"
db=$WORK/tp.db

RC=0
(umask 000; zstd -q -c "$WORK/access.log" | "$ANALYZE" -d "$db" targets import --format combined \
	--site AKL --no-exclude - "$WORK/access.log.1.gz" >"$WORK/out" 2>"$WORK/err") || RC=$?
got=$(sqlite3 "$db" "SELECT count(*) || ' ' || min(weight) || ' ' || max(weight) FROM targets")
mode=$(stat -c %a "$db")
if [[ $RC == 0 && $got == "1000 6.0 6.0" && $mode == 600 ]]; then
	pass "zstd on stdin + gzip file: 1000 targets of weight 6, database mode 600 under umask 000"
else
	fail "zstd on stdin + gzip file" "exit $RC, targets/min/max $got, mode $mode: $(cat "$WORK/err")"
fi

{ echo 'garbage'; echo '198.18.9.9 - - [28/Nov/2026:10:00:00 +0000] "GET /'; \
  echo 'host.example - - [28/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "t"'; \
  cat "$WORK/access.log"; } | gzip -c > "$WORK/bad.log.gz"
analyze -d "$db" targets import --format combined --site AKL --no-exclude "$WORK/bad.log.gz"
if [[ $RC == 0 ]] && grep -q 'bad.log.gz:1: not a line of this format' "$WORK/err" &&
	grep -q 'bad.log.gz:3: not an address' "$WORK/err" &&
	grep -q '3 of 3003 lines skipped as bad: 1 not an address, 2 not a line of this format' "$WORK/err"; then
	pass "bad lines: skipped, shown as FILE:LINE, counted by reason"
else
	fail "bad lines" "exit $RC: $(cat "$WORK/err")"
fi

before=$(sqlite3 "$db" "SELECT count(*) || ' ' || total(weight) FROM targets")
echo 10.0.0.0/8 > "$WORK/exclude.conf"
analyze -d "$db" targets import --format json --site AKL --exclude "$WORK/exclude.conf" \
	"$WORK/access.log.1.gz"
after=$(sqlite3 "$db" "SELECT count(*) || ' ' || total(weight) FROM targets")
if [[ $RC == 1 && $(wc -l < "$WORK/err") == 1 ]] && grep -q 'right format' "$WORK/err" &&
	[[ $before == "$after" ]]; then
	pass "wrong --format: exit 1, one line, the list unchanged ($after)"
else
	fail "wrong --format" "exit $RC, $before -> $after: $(cat "$WORK/err")"
fi

printf '%s\n' '{"remote_addr":"198.18.0.1","time":"2026-11-28T09:59:59Z"}' \
	'{"remote_addr":"198.18.0.2","time":"2026-11-28T11:00:00+01:00"}' \
	'{"remote_addr":"198.18.0.3","timestamp":1795860001}' \
	'{"remote_addr":"198.18.0.4"}' | gzip -c > "$WORK/since.json.gz"
analyze -d "$WORK/since.db" targets import --format json --since 2026-11-28T10:00:00Z \
	--site AKL --no-exclude "$WORK/since.json.gz"
json_got=$(sqlite3 "$WORK/since.db" "SELECT group_concat(hex(addr), ' ') FROM (SELECT addr FROM targets ORDER BY addr)")
json_err=$(cat "$WORK/err")
printf 't,ip\n1795859999,198.18.1.1\n"1795860000",198.18.1.2\n' > "$WORK/since.csv"
RC2=0
"$ANALYZE" -d "$WORK/since.db" targets import --format csv --column 2 --time-column 1 \
	--since @1795860000 --site AKL --no-exclude - < "$WORK/since.csv" >/dev/null 2>&1 || RC2=$?
csv_got=$(sqlite3 "$WORK/since.db" "SELECT group_concat(hex(addr), ' ') FROM targets")
if [[ $RC == 0 && $RC2 == 0 && $json_got == "C6120002 C6120003" && $csv_got == C6120102 ]] &&
	grep -q 'since.json.gz:4: no timestamp field' <<<"$json_err"; then
	pass "--since on json (time, timestamp) and csv (--time-column): only newer lines kept"
else
	fail "--since on json and csv" "exit $RC/$RC2, json $json_got, csv $csv_got: $json_err"
fi

ln -s "$WORK/elsewhere.db" "$WORK/planted.db"
chown -h nobody "$WORK/planted.db"
analyze -d "$WORK/planted.db" targets import --format combined --site AKL --no-exclude \
	"$WORK/access.log.1.gz"
if [[ $RC == 1 && $(wc -l < "$WORK/err") == 1 && ! -e $WORK/elsewhere.db ]] &&
	grep -q 'planted.db: a symlink owned by uid' "$WORK/err"; then
	pass "symlink owned by nobody: refused, nothing created behind it"
else
	fail "symlink owned by nobody" "exit $RC: $(cat "$WORK/err")"
fi

old=$(( ($(date +%s) - 40 * 86400) * 1000000 ))
sqlite3 "$db" "INSERT INTO campaigns (id, started_us, finished_us, status) VALUES (1, $old, $old, 'done');
	INSERT INTO scenarios (id, campaign_id, withdrawn, status) VALUES (1, 1, 'AKL', 'done');
	INSERT INTO sites (name) VALUES ('CHC');
	INSERT INTO scenario_sites SELECT 1, id FROM sites WHERE name = 'AKL';
	INSERT INTO rounds (id, campaign_id, scenario_id, kind, status) VALUES
		(1, 1, NULL, 'baseline', 'complete'), (2, 1, 1, 'scenario', 'complete');
	INSERT INTO responses (round_id, target_id, site_id, received_us)
		SELECT 1, id, site_id, 0 FROM targets;
	INSERT INTO responses (round_id, target_id, site_id, received_us)
		SELECT 2, id, (SELECT id FROM sites WHERE name = 'CHC'), 0 FROM targets WHERE id % 4 != 0;"
printf '[campaign]\nretain_days = 30\n[site AKL]\nbird_socket = /x\n[site CHC]\nbird_socket = /x\n' \
	> "$WORK/tp.conf"
"$ANALYZE" -d "$db" matrix --campaign 1 > "$WORK/matrix.before"
analyze -c "$WORK/tp.conf" -d "$db" prune
left=$(sqlite3 "$db" "SELECT count(*) FROM responses")
"$ANALYZE" -d "$db" matrix --campaign 1 > "$WORK/matrix.after" 2>&1 || true
if [[ $RC == 0 && $left == 0 ]] && grep -q 75.0% "$WORK/matrix.before" &&
	cmp -s "$WORK/matrix.before" "$WORK/matrix.after"; then
	pass "prune by retain_days: replies gone, the campaign's matrix the same"
else
	fail "prune by retain_days" "exit $RC, $left replies left: $(cat "$WORK/err" "$WORK/matrix.before" "$WORK/matrix.after")"
fi

exit "$FAILED"
