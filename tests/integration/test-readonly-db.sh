#!/bin/bash
# test-readonly-db.sh: the commands of tp-analyze that only read (targets
# stats, report, matrix, policy) work where the database cannot be written.
#
# A small real database (two sites, eight targets, a campaign with a
# baseline and a scenario round, imported from record streams) is built as
# root; each command's output there is the reference. Then:
#  a. a copy, mode 0444, in a 0555 folder, read by user nobody: every
#     command exits 0 with the reference output, and the file's checksum,
#     mode and folder listing (no -wal, no -shm) are unchanged;
#  b. the database open in another process (root) that has committed a
#     new site with one target into its WAL and keeps the connection (so
#     -wal and -shm exist, owned by root, 0644): nobody's `targets stats`
#     shows that new site (the WAL is read, not skipped as with
#     immutable=1);
#  c. the folder a read-only bind mount, read by root: the same outputs;
#  d. a writing command (import) on the 0444 copy fails with one line
#     naming the database.
# Why it fails when the behaviour is wrong: a read-write open or a switch
# to WAL fails with "attempt to write a readonly database" or "unable to
# open database file" and exit 1 in a, c; a migration or WAL switch changes
# the checksum or leaves -wal/-shm files; reading with immutable=1 misses
# the committed site in b.
#
# Needs root (setpriv, mounts). Env: TP_BUILD_DIR (default
# /tmp/build-main). Prints "PASS name" / "FAIL name: reason"; exits 1 when
# anything failed. Unmounts and removes what it made, also on failure.

set -uo pipefail

BUILD=${TP_BUILD_DIR:-/tmp/build-main}
ANALYZE=$BUILD/tp-analyze
WORK=$(mktemp -d /tmp/tp-readonly-db.XXXXXX)
FAILED=0
MOUNTED=0
HOLDER=

# Stop the WAL holder, unmount and remove the work folder.
cleanup() {
	trap - EXIT
	if [[ -n $HOLDER ]]; then
		kill "$HOLDER" 2>/dev/null
		wait "$HOLDER" 2>/dev/null
	fi
	((MOUNTED)) && umount "$WORK/robind"
	chmod -R u+w "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

# Run tp-analyze as nobody on database $1 with the rest as arguments.
as_nobody() {
	local db=$1
	shift
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$ANALYZE" -q -d "$db" "$@"
}

# The commands that only read, one per line.
READERS=("targets stats" "report" "matrix" "policy --scenario akl")

# Compare every reader's output on $2 (run by $1: root or nobody) with the reference.
check_readers() {
	local who=$1 db=$2 label=$3 cmd out rc bad=0
	for cmd in "${READERS[@]}"; do
		# shellcheck disable=SC2086
		if [[ $who == nobody ]]; then
			out=$(as_nobody "$db" $cmd 2>"$WORK/err")
		else
			out=$("$ANALYZE" -q -d "$db" $cmd 2>"$WORK/err")
		fi
		rc=$?
		if [[ $rc != 0 ]]; then
			fail "$label: $cmd" "exit $rc: $(head -c 300 "$WORK/err")"
			bad=1
		elif [[ $out != "${REF[$cmd]}" ]]; then
			fail "$label: $cmd" "output differs from the writable database's"
			bad=1
		fi
	done
	((bad)) || pass "$label: ${READERS[*]} exit 0 with the same output as on a writable copy"
}

((EUID == 0)) || { echo "FAIL setup: needs root"; exit 1; }
[[ -x $ANALYZE ]] || { echo "FAIL setup: $ANALYZE not built (set TP_BUILD_DIR)"; exit 1; }
chmod 755 "$WORK"
mkdir "$WORK/data"
DB=$WORK/data/tp.db

# The database: akl and chc, four targets each; when akl is withdrawn three
# of its targets land at chc and one is lost.
printf '198.18.0.%d\n' 1 2 3 4 >"$WORK/akl.txt"
printf '198.18.1.%d\n' 1 2 3 4 >"$WORK/chc.txt"
"$ANALYZE" -q -d "$DB" targets import --site akl --no-exclude "$WORK/akl.txt" >/dev/null &&
    "$ANALYZE" -q -d "$DB" targets import --site chc --no-exclude "$WORK/chc.txt" >/dev/null ||
    { echo "FAIL setup: targets import"; exit 1; }
C=$("$ANALYZE" -d "$DB" campaign new)
R=$("$ANALYZE" -d "$DB" round new --kind baseline --campaign "$C")
S=$("$ANALYZE" -d "$DB" scenario new --campaign "$C" --withdrawn akl)
R2=$("$ANALYZE" -d "$DB" round new --kind scenario --campaign "$C" --scenario "$S")
{
	echo "tp-records 1"
	for i in 1 2 3 4; do echo "reply $R akl 198.18.0.$i 100 60 1$i"; done
	echo "end $R akl 4 0 0 0"
} >"$WORK/akl.rec"
{
	echo "tp-records 1"
	for i in 1 2 3 4; do echo "reply $R chc 198.18.1.$i 100 60 1$i"; done
	for i in 1 2 3; do echo "reply $R2 chc 198.18.0.$i 100 60 2$i"; done
	echo "reply $R2 chc 198.18.1.1 100 60 3"
	echo "end $R2 chc 4 0 0 0"
} >"$WORK/chc.rec"
chmod 644 "$WORK"/*.rec
"$ANALYZE" -q -d "$DB" import "$WORK/akl.rec" "$WORK/chc.rec" >/dev/null ||
    { echo "FAIL setup: import"; exit 1; }
declare -A REF
for cmd in "${READERS[@]}"; do
	# shellcheck disable=SC2086
	REF[$cmd]=$("$ANALYZE" -q -d "$DB" $cmd 2>/dev/null) ||
	    { echo "FAIL setup: $cmd on the writable database"; exit 1; }
done
[[ ${REF[matrix]} == *"75.0%"* ]] || { echo "FAIL setup: unexpected matrix: ${REF[matrix]}"; exit 1; }

# a. 0444 in a 0555 folder, user nobody.
mkdir "$WORK/ro"
cp "$DB" "$WORK/ro/tp.db"
chmod 444 "$WORK/ro/tp.db"
chmod 555 "$WORK/ro"
sum_before=$(sha256sum <"$WORK/ro/tp.db")
check_readers nobody "$WORK/ro/tp.db" "0444 file in a 0555 folder, user nobody"
if [[ $(sha256sum <"$WORK/ro/tp.db") == "$sum_before" && $(ls -A "$WORK/ro") == tp.db &&
    $(stat -c %a "$WORK/ro/tp.db") == 444 ]]; then
	pass "0444 file: unchanged (checksum, mode), no -wal or -shm left beside it"
else
	fail "0444 file changed" "$(ls -lA "$WORK/ro")"
fi

# d. A writing command there fails with one line naming the database.
if as_nobody "$WORK/ro/tp.db" import "$WORK/akl.rec" >/dev/null 2>"$WORK/err"; then
	fail "import on a 0444 file" "succeeded"
elif [[ $(wc -l <"$WORK/err") == 1 ]] && grep -q "ro/tp.db" "$WORK/err"; then
	pass "import on the 0444 file refused in one line: $(cat "$WORK/err")"
else
	fail "import on a 0444 file" "$(head -c 300 "$WORK/err")"
fi

# b. Another process holds the database open with a committed site in its WAL.
cp "$DB" "$WORK/data/held.db"
chmod 644 "$WORK/data/held.db"	# new databases are 0600: the owner opens it to readers
mkfifo "$WORK/held.ready"
python3 - "$WORK/data/held.db" "$WORK/held.ready" <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("INSERT INTO sites (name) VALUES ('wlg')")
c.execute("INSERT INTO targets (addr, family, site_id, weight) VALUES "
          "(X'C6120209', 4, (SELECT id FROM sites WHERE name = 'wlg'), 7)")
open(sys.argv[2], "w").write("ready\n")
time.sleep(120)
EOF
HOLDER=$!
read -r -t 20 _ <"$WORK/held.ready"
if [[ -s $WORK/data/held.db-wal && -e $WORK/data/held.db-shm ]]; then
	out=$(as_nobody "$WORK/data/held.db" targets stats 2>"$WORK/err")
	rc=$?
	if [[ $rc == 0 && $out == *wlg*7.0* ]]; then
		pass "WAL held open by another process: nobody reads the committed site from its WAL"
	else
		fail "WAL held open" "exit $rc: $out $(head -c 300 "$WORK/err")"
	fi
else
	fail "WAL held open" "setup: no -wal/-shm beside held.db: $(ls -l "$WORK/data")"
fi
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null
HOLDER=

# c. A read-only bind mount, read by root.
mkdir "$WORK/robind"
rm -f "$WORK/data/held.db"*
if mount --bind "$WORK/data" "$WORK/robind" && MOUNTED=1 &&
    mount -o remount,bind,ro "$WORK/robind"; then
	check_readers root "$WORK/robind/tp.db" "read-only bind mount, root"
else
	fail "read-only bind mount" "cannot mount"
fi

if [[ $FAILED == 0 ]]; then
	echo "test-readonly-db: all passed"
else
	echo "test-readonly-db: FAILED"
fi
exit "$FAILED"
