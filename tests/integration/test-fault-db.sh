#!/bin/bash
# test-fault-db.sh: the database read-only, full, or locked by another
# process while tp-analyze imports.
#
# A database of 100,000 targets and one round, and a record stream with a
# reply from every target (5 MB). No testbed: these faults are in the file
# system and SQLite, not in the network, and a synthetic stream is bigger
# than a tiny-testbed round.
#  Read-only, three ways: the file immutable (chattr +i, as root), the file
#  0444 for an unprivileged user (nobody owns the folder), and the folder a
#  read-only bind mount. Disk full: the database on a tmpfs with 256 KiB
#  free. Each: exit 1, standard error one line naming the database (and
#  "readonly" / "disk is full" where SQLite says so), and the responses and
#  rounds counted with sqlite3 before and after are the same (no partial
#  round). Then the fault is lifted and the same stream imports every reply
#  (inserted = 100,000, duplicates 0): nothing of the failed try was left.
#  Locked: sqlite3 holds BEGIN EXCLUSIVE (fed from a fifo this test
#  controls). `import` and `targets import` wait the busy timeout (5 s,
#  TP_DB_BUSY_MS) and fail with one line saying the database is locked,
#  changing nothing; when the lock is released after 1.5 s both succeed,
#  having waited for it.
# Why it fails when the behaviour is wrong: an import that kept the replies
# stored before the fault changes the count (and the retry would show
# duplicates); a second line, a zero exit or a message without the
# database's path fails the error checks; not waiting (busy timeout 0)
# fails the 4.5 s lower bound and the release cases; waiting forever hits
# the upper bound.
#
# Needs root (mounts, chattr, setpriv). Env: TP_BUILD_DIR (default
# /tmp/build-main). Prints "PASS name" / "FAIL name: reason"; exits 1 when
# anything failed.

set -euo pipefail

BUILD=${TP_BUILD_DIR:-/tmp/build-main}
ANALYZE=$BUILD/tp-analyze
WORK=$(mktemp -d /tmp/tpfault-db.XXXXXX)
N=100000
FAILED=0
MOUNTS=()
IMMUTABLE=
SQ_PID=
BG_PIDS=()

# Close the lock holder, kill what we started, lift immutability, unmount, remove.
cleanup() {
	local m pid
	trap - EXIT
	exec 3>&- 2>/dev/null || true
	[[ -n $SQ_PID ]] && kill "$SQ_PID" 2>/dev/null || true
	for pid in "${BG_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	[[ -n $IMMUTABLE ]] && chattr -i "$IMMUTABLE" 2>/dev/null || true
	for ((m = ${#MOUNTS[@]} - 1; m >= 0; m--)); do
		umount "${MOUNTS[m]}" 2>/dev/null || umount -l "${MOUNTS[m]}" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

# "responses rounds" of database $1.
counts() {
	sqlite3 -cmd '.timeout 10000' "$1" "SELECT (SELECT COUNT(*) FROM responses) || ' ' || (SELECT COUNT(*) FROM rounds)"
}

# Run tp-analyze on database $1 with the rest as arguments; sets RC, SECS;
# standard output in $WORK/out, standard error in $WORK/err.
analyze() {
	local db=$1 t0
	shift
	t0=$(date +%s%N)
	RC=0
	"$ANALYZE" -d "$db" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
	SECS=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf("%.2f", (b - a) / 1e9) }')
}

# Check a failed run for test $1: exit 1, one line on stderr matching
# regex $2, and database $3's counts still $4.
expect_clean_failure() {
	local name=$1 re=$2 db=$3 before=$4 after lines
	after=$(counts "$db")
	lines=$(wc -l <"$WORK/err")
	if ((RC == 1 && lines == 1)) && grep -Eq "$re" "$WORK/err" && [[ $after == "$before" ]]; then
		sed 's/^/  /' "$WORK/err"
		pass "$name (responses/rounds $before before and after)"
	else
		fail "$name" "exit $RC, $lines lines, counts $before -> $after: $(head -c 600 "$WORK/err")"
	fi
}

# Check that the last import stored all N replies and none was there before.
expect_full_import() {
	local got dup
	got=$(jq '.[0].inserted' "$WORK/out" 2>/dev/null || echo none)
	dup=$(jq '.[0].duplicates' "$WORK/out" 2>/dev/null || echo none)
	if ((RC == 0)) && [[ $got == "$N" && $dup == 0 ]]; then
		pass "$1 (inserted $got, duplicates 0)"
	else
		fail "$1" "exit $RC, inserted $got, duplicates $dup: $(cat "$WORK/err")"
	fi
}

# A fresh copy of the base database at $1 (owned by $2, default root).
fresh_db() {
	cp "$WORK/base.db" "$1"
	[[ -z ${2:-} ]] || chown "$2" "$1"
}

((EUID == 0)) || { echo "FAIL db: needs root"; exit 1; }
[[ -x $ANALYZE ]] || { echo "FAIL setup: $ANALYZE not built (set TP_BUILD_DIR)"; exit 1; }
chmod 755 "$WORK"

# The base database: N targets (198.18.0.0 up), a campaign and a round.
awk -v n=$N 'BEGIN { for (i = 0; i < n; i++)
	printf("198.%d.%d.%d,akl,1\n", 18 + int(i / 65536), int(i / 256) % 256, i % 256) }' \
    >"$WORK/targets.csv"
"$ANALYZE" -q -d "$WORK/base.db" targets import --no-exclude "$WORK/targets.csv" >/dev/null 2>&1
C=$("$ANALYZE" -d "$WORK/base.db" campaign new)
R=$("$ANALYZE" -d "$WORK/base.db" round new --kind baseline --campaign "$C")
sqlite3 "$WORK/base.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f "$WORK/base.db-wal" "$WORK/base.db-shm"
awk -v n=$N -v r="$R" 'BEGIN { print "tp-records 1"
	for (i = 0; i < n; i++)
		printf("reply %d akl 198.%d.%d.%d %d 60 17000000%08d\n", r,
		    18 + int(i / 65536), int(i / 256) % 256, i % 256, 900 + i % 500, i)
	printf("end %d akl %d 0 0 0\n", r, n) }' >"$WORK/stream.txt"
chmod 644 "$WORK/stream.txt"
BASE_COUNTS=$(counts "$WORK/base.db")

# 4a: the file immutable (what 0444 is for a user; root ignores modes).
mkdir "$WORK/imm"
fresh_db "$WORK/imm/tp.db"
if chattr +i "$WORK/imm/tp.db" 2>/dev/null; then
	IMMUTABLE=$WORK/imm/tp.db
	analyze "$WORK/imm/tp.db" import "$WORK/stream.txt"
	expect_clean_failure "read-only (chattr +i): one line, exit 1, no partial round" \
	    "imm/tp\.db: .*readonly database.*nothing of .*stream\.txt was imported" "$WORK/imm/tp.db" "$BASE_COUNTS"
	chattr -i "$WORK/imm/tp.db"
	IMMUTABLE=
	analyze "$WORK/imm/tp.db" -j import "$WORK/stream.txt"
	expect_full_import "read-only lifted: the same stream imports in full"
else
	echo "SKIP read-only (chattr +i): not supported on $(stat -f -c %T "$WORK")"
fi

# 4b: mode 0444 for an unprivileged user.
mkdir "$WORK/nob"
chown nobody:nogroup "$WORK/nob"
fresh_db "$WORK/nob/tp.db" nobody:nogroup
chmod 444 "$WORK/nob/tp.db"
RC=0
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$ANALYZE" -d "$WORK/nob/tp.db" import "$WORK/stream.txt" >"$WORK/out" 2>"$WORK/err" || RC=$?
expect_clean_failure "read-only (0444, user nobody): one line, exit 1, no partial round" \
    "nob/tp\.db: .*readonly database" "$WORK/nob/tp.db" "$BASE_COUNTS"

# 4c: the folder a read-only bind mount.
mkdir "$WORK/rw" "$WORK/ro"
fresh_db "$WORK/rw/tp.db"
mount --bind "$WORK/rw" "$WORK/ro"
MOUNTS+=("$WORK/ro")
mount -o remount,bind,ro "$WORK/ro"
analyze "$WORK/ro/tp.db" import "$WORK/stream.txt"
expect_clean_failure "read-only mount: one line naming the database, exit 1, no partial round" \
    "ro/tp\.db: " "$WORK/rw/tp.db" "$BASE_COUNTS"

# 4d: disk full: a tmpfs with 256 KiB beyond the database.
mkdir "$WORK/full"
size=$(($(stat -c %s "$WORK/base.db") / 1024 + 256))
mount -t tmpfs -o "size=${size}k,mode=755" tmpfs "$WORK/full"
MOUNTS+=("$WORK/full")
fresh_db "$WORK/full/tp.db"
analyze "$WORK/full/tp.db" import "$WORK/stream.txt"
expect_clean_failure "disk full (tmpfs ${size} KiB): one line, exit 1, no partial round" \
    "full/tp\.db: .*disk is full.*nothing of .*stream\.txt was imported" "$WORK/full/tp.db" "$BASE_COUNTS"
ok=$(sqlite3 "$WORK/full/tp.db" 'PRAGMA integrity_check')
[[ $ok == ok ]] && pass "disk full: the database is intact (integrity_check ok)" ||
    fail "disk full: the database is intact" "$ok"
mount -o remount,size=64m "$WORK/full"
analyze "$WORK/full/tp.db" -j import "$WORK/stream.txt"
expect_full_import "disk full lifted: the same stream imports in full"

# 5: locked by another process. sqlite3 reads its commands from a fifo.
mkdir "$WORK/lock"
fresh_db "$WORK/lock/tp.db"
mkfifo "$WORK/fifo"
sqlite3 "$WORK/lock/tp.db" <"$WORK/fifo" >"$WORK/sq.out" 2>&1 &
SQ_PID=$!
exec 3>"$WORK/fifo"
# Take the write lock; the SELECT's answer shows it is held.
hold_lock() {
	local i
	: >"$WORK/sq.out"
	echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&3
	for ((i = 0; i < 100; i++)); do
		grep -q '^locked$' "$WORK/sq.out" && return 0
		sleep 0.05
	done
	return 1
}
# Release the lock after $1 seconds, in the background.
release_after() {
	(sleep "$1"; echo "COMMIT;" >&3) &
	BG_PIDS+=($!)
}
# Targets with other weights: a successful targets import changes the sum.
awk -F, '{ print $1 "," $2 ",3" }' "$WORK/targets.csv" >"$WORK/targets3.csv"
weights() { sqlite3 -cmd '.timeout 10000' "$WORK/lock/tp.db" 'SELECT COUNT(*) || " " || SUM(weight) FROM targets'; }
W0=$(weights)

hold_lock || { fail "locked: sqlite3 holds the lock" "$(cat "$WORK/sq.out")"; exit 1; }
analyze "$WORK/lock/tp.db" import "$WORK/stream.txt"
expect_clean_failure "locked, import: one line after ${SECS} s, exit 1, nothing imported" \
    "lock/tp\.db: .*database is locked" "$WORK/lock/tp.db" "$BASE_COUNTS"
awk -v s="$SECS" 'BEGIN { exit !(s >= 4.5 && s < 9) }' &&
    pass "locked, import: waited the busy timeout (${SECS} s, TP_DB_BUSY_MS 5 s)" ||
    fail "locked, import: waited the busy timeout" "${SECS} s"

analyze "$WORK/lock/tp.db" -q targets import --no-exclude "$WORK/targets3.csv"
W1=$(weights)
if ((RC == 1)) && [[ $(wc -l <"$WORK/err") == 1 && $W1 == "$W0" ]] &&
    grep -q 'lock/tp\.db: .*database is locked' "$WORK/err" &&
    awk -v s="$SECS" 'BEGIN { exit !(s >= 4.5 && s < 9) }'; then
	sed 's/^/  /' "$WORK/err"
	pass "locked, targets import: one line after ${SECS} s, exit 1, targets unchanged ($W0)"
else
	fail "locked, targets import" "exit $RC after ${SECS} s, targets $W0 -> $W1: $(cat "$WORK/err")"
fi

# Released within the timeout: the import waits for it and succeeds.
release_after 1.5
analyze "$WORK/lock/tp.db" -j import "$WORK/stream.txt"
expect_full_import "lock released after 1.5 s: import waited ${SECS} s and succeeded"
awk -v s="$SECS" 'BEGIN { exit !(s >= 1.4) }' || fail "import waited for the lock" "only ${SECS} s"

hold_lock || { fail "locked again" "$(cat "$WORK/sq.out")"; exit 1; }
release_after 1.5
analyze "$WORK/lock/tp.db" -q targets import --no-exclude "$WORK/targets3.csv"
W2=$(weights)
if ((RC == 0)) && [[ $W2 == "$N $((3 * N)).0" || $W2 == "$N $((3 * N))" ]] &&
    awk -v s="$SECS" 'BEGIN { exit !(s >= 1.4) }'; then
	pass "lock released after 1.5 s: targets import waited ${SECS} s and succeeded (targets $W2)"
else
	fail "lock released: targets import" "exit $RC after ${SECS} s, targets $W2: $(cat "$WORK/err")"
fi
exec 3>&-
wait "$SQ_PID" 2>/dev/null || true
SQ_PID=

exit "$FAILED"
