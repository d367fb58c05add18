#!/bin/bash
# test-fault-socket.sh: a BIRD control socket the user may not open.
#
# On the tiny testbed (BIRD makes its sockets srw-rw---- root:root), runs
# tp-bgpctl as nobody (setpriv, no supplementary groups):
#  1. status akl against the root-only socket: exit 77 (tp-bgpctl(8):
#     permission denied on the control socket), and standard error is one
#     line naming the socket and group root;
#  2. the socket's group changed to bird: the line names group bird; and
#     nobody WITH group bird (what the message says to do) gets exit 0 and
#     akl announcing: the advice is right;
#  3. withdraw akl as nobody: exit 77 and nothing withdrawn (root's
#     status still counts 3 announcing);
#  4. the run folder not searchable (0700): exit 77 and one line saying
#     the folder is not searchable.
# Why it fails when the behaviour is wrong: a generic "cannot connect" or
# a message without the socket or group, several lines, or any other
# status fails 1, 2 and 4; a message naming the wrong group fails 2 (the
# group is changed between the runs); a withdrawal that acted anyway shows
# in 3.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
BGPCTL=$BUILD/tp-bgpctl
testbed_init tpbfs$$ /tmp/tpfault-socket.XXXXXX

# Run tp-bgpctl as nobody (extra setpriv options first, then --); sets RC.
as_nobody() {
	local opts=()
	while [[ $1 != -- ]]; do opts+=("$1"); shift; done
	shift
	RC=0
	setpriv --reuid=nobody --regid=nogroup "${opts[@]}" \
	    "$BGPCTL" -c "$WORK/tp.conf" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
}

# Check test $1: exit 77 and stderr exactly one line matching regex $2.
expect_denied() {
	local lines
	lines=$(wc -l <"$WORK/err")
	if ((RC == 77 && lines == 1)) && grep -Eq "$2" "$WORK/err"; then
		sed 's/^/  /' "$WORK/err"
		pass "$1"
	else
		fail "$1" "exit $RC, $lines lines: $(cat "$WORK/err")"
	fi
}

need_root socket
[[ -x $BGPCTL ]] || { echo "FAIL setup: $BGPCTL not built (set TP_BUILD_DIR)"; exit 1; }
command -v setpriv >/dev/null || { echo "FAIL setup: setpriv (util-linux) missing"; exit 1; }
getent group bird >/dev/null || { echo "FAIL setup: no group bird (bird2 package)"; exit 1; }

out=$(tb up tiny 2>&1) || { fail "socket testbed up" "$out"; exit 1; }
tb conf >"$WORK/tp.conf"
chmod 644 "$WORK/tp.conf"
chmod 711 "$WORK" "$TB_RUN_DIR"	# nobody may pass through, not list
SOCK=$TB_RUN_DIR/akl.ctl
SOCK_RE=${SOCK//./\\.}

# 1: the socket as BIRD makes it.
perm=$(stat -c '%A %U:%G' "$SOCK")
as_nobody --clear-groups -- status akl
expect_denied "status as nobody on a root-only socket ($perm): exit 77, one line naming it and group root" \
    "$SOCK_RE.*group root"

# 2: the socket's group is bird; the advice, followed, works.
chgrp bird "$SOCK"
as_nobody --clear-groups -- status akl
expect_denied "status as nobody, socket of group bird: the line names group bird" "$SOCK_RE.*group bird"
as_nobody --groups=bird -- -j status akl
if ((RC == 0)) && [[ $(jq -r '.sites[0].announcing' "$WORK/out") == true ]]; then
	pass "status as nobody in group bird (the advice followed): exit 0, akl announcing"
else
	fail "status as nobody in group bird" "exit $RC: $(cat "$WORK/err")"
fi

# 3: withdraw as nobody is refused and changes nothing.
as_nobody --clear-groups -- withdraw akl
n=$("$BGPCTL" -c "$WORK/tp.conf" -j status | jq .announcing)
if ((RC == 77)) && [[ $n == 3 ]]; then
	pass "withdraw as nobody: exit 77, still 3 sites announcing"
else
	fail "withdraw as nobody" "exit $RC, $n announcing: $(cat "$WORK/err")"
fi

# 4: the socket's folder is not searchable.
chmod 700 "$TB_RUN_DIR"
as_nobody --clear-groups -- status akl
chmod 711 "$TB_RUN_DIR"
expect_denied "status as nobody, run folder 0700: one line saying the folder is not searchable" \
    "$SOCK_RE.*folder is not searchable"

exit "$FAILED"
