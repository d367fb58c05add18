#!/bin/bash
# test-campaign-files.sh: what tp-campaign does to the files next to its
# database, run as root (the user a hostile folder would try to trick):
#
#  1. A lock path that is a symbolic link, a hard link, a FIFO, a folder
#     or a regular file with other content is refused with a clear error
#     naming it (exit 73), and the file it points at is not changed.
#  2. A stale lock of an earlier campaign (a pid) is taken over.
#  3. `tp-campaign -n run` creates neither database nor lock when there is
#     none, and when there is one it changes neither its bytes nor its time
#     (not even for a configured site it does not know yet) and takes no
#     lock. (SQLite's -wal and -shm files may appear beside it: reading a
#     WAL database needs them.)
#
# No network namespaces. Env: TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

BUILD=${TP_BUILD_DIR:-/tmp/build-main}
W=$(mktemp -d /tmp/tpcampfiles.XXXXXX)
trap 'rm -rf "$W"' EXIT
FAILED=0

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

cat >"$W/tp.conf" <<CONF
[campaign]
database = $W/tp.db
key_file = $W/probe.key
exclude = /dev/null

[site akl]
exec = false
bird_socket = $W/akl.ctl

[site chc]
exec = false
bird_socket = $W/chc.ctl

[site syd]
exec = false
bird_socket = $W/syd.ctl
CONF
campaign() { "$BUILD/tp-campaign" -c "$W/tp.conf" "$@"; }

# 3a: -n run with no database at all.
rc=0
campaign -n run >"$W/out" 2>&1 || rc=$?
if [[ ! -e $W/tp.db && ! -e $W/tp.db.lock ]] && ((rc != 0)); then
	pass "campaign -n run without a database creates neither database nor lock"
else
	fail "campaign -n run without a database creates neither database nor lock" \
	    "exit $rc, left: $(ls "$W" | tr '\n' ' ')"
fi

# 3b: -n run on an existing database changes nothing.
printf '198.18.1.%d,akl,1\n' 1 2 3 >"$W/targets.csv"
printf '198.18.2.%d,chc,2\n' 1 2 3 >>"$W/targets.csv"
"$BUILD/tp-analyze" -q -c "$W/tp.conf" targets import --exclude /dev/null "$W/targets.csv" >/dev/null
touch -d '2020-01-01 00:00' "$W/tp.db"
state() { stat -c '%s %Y' "$W/tp.db"; sha256sum <"$W/tp.db"; ls "$W" | grep -v -e '-wal$' -e '-shm$'; }
before=$(state)
rc=0
campaign -n run >"$W/out" 2>&1 || rc=$?
after=$(state)
if ((rc == 0)) && grep -q "estimated time" "$W/out" && [[ $before == "$after" ]]; then
	pass "campaign -n run prints the plan and touches neither database nor lock"
else
	fail "campaign -n run prints the plan and touches neither database nor lock" \
	    "exit $rc: $(head -3 "$W/out"); before: $before; after: $after"
fi

# 1: lock paths that are not a lock file of ours.
victim=$W/victim
lock=$W/tp.db.lock
check_refused() {
	local name=$1 rc=0 sum
	sum=$(sha256sum <"$victim")
	campaign run >"$W/out" 2>&1 || rc=$?
	if ((rc == 73)) && grep -q "lock $lock" "$W/out" && [[ $(sha256sum <"$victim") == "$sum" ]]; then
		pass "campaign lock: $name refused, nothing written"
	else
		fail "campaign lock: $name refused, nothing written" \
		    "exit $rc: $(cat "$W/out"); victim now: $(head -c 60 "$victim")"
	fi
	rm -rf "$lock"
}
printf 'precious data\n' >"$victim"
ln -s "$victim" "$lock"
check_refused "a symbolic link"
ln "$victim" "$lock"
check_refused "a hard link"
cp "$victim" "$lock"
victim=$lock check_refused "a regular file holding something else"
mkfifo "$lock"
victim=/dev/null check_refused "a FIFO"
mkdir "$lock"
victim=/dev/null check_refused "a folder"

# 2: a stale lock of an earlier campaign is taken over.
printf '999999999\n' >"$lock"
rc=0
campaign run >"$W/out" 2>&1 || rc=$?
if ((rc != 73 && rc != 4)) && grep -qx '[0-9]*' "$lock" && ! grep -q 999999999 <(head -1 "$lock"); then
	pass "campaign lock: a stale lock is taken over (exit $rc, later in the run)"
else
	fail "campaign lock: a stale lock is taken over" "exit $rc: $(cat "$W/out"); lock: $(cat "$lock")"
fi

exit "$FAILED"
