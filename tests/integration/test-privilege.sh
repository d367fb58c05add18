#!/bin/bash
# test-privilege.sh: what tp-probe and tp-bgpctl may do once running.
#
# tp-probe, on the tiny testbed (site akl, inside its namespace), read from
# /proc/PID/status while it runs:
#   - listen --user nobody (and listen -c with probe_user = nobody in
#     tp.conf): every uid and gid nobody's, CapEff and CapPrm exactly
#     CAP_NET_RAW, CapInh and CapAmb empty, the bounding set nothing else;
#     still capturing (the record stream's header comes after the drop);
#   - listen as root without --user: runs as the user tp, or, where there
#     is none, refuses in one line naming it;
#   - listen --user with an unknown user: refused;
#   - listen --read-pcap (from a fifo, so it is still running after the
#     drop) and send (10 probes a second to the testbed's clients, looked
#     at mid-way): nobody, no capabilities at all; send still sends every
#     probe through the sockets it opened before the drop; send as root
#     without --user and no user tp refuses.
# tp-bgpctl, against a fake BIRD socket that logs every line it receives
# (tests/integration/fake-bird):
#   - status, withdraw, announce and show run to the end with a good config;
#   - site and protocol names with spaces, quotes, newlines, carriage
#     returns, shell characters, or too long, are refused, from the command
#     line and from tp.conf, before anything is sent;
#   - show words that are not [A-Za-z0-9_.:/-] are refused likewise;
#   - every line BIRD ever received is one of: show WORDS, enable NAME,
#     disable NAME "tp-bgpctl withdraw", configure timeout N,
#     configure confirm, restrict.
#
# Needs root. Env: TB (default: testbed/tb of this source tree),
# TP_BUILD_DIR (default /tmp/build-main; holds tp-probe, tp-bgpctl and
# tests/integration/fake-bird, built here when missing).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.
# Takes the testbed down and stops what it started at the end, also on failure.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB=${TB:-$HERE/../../testbed/tb}
TP_BUILD_DIR=${TP_BUILD_DIR:-/tmp/build-main}
PROBE=$TP_BUILD_DIR/tp-probe
BGPCTL=$TP_BUILD_DIR/tp-bgpctl
FAKE_BIRD=$TP_BUILD_DIR/tests/integration/fake-bird
PREFIX=tpbh$$
WORK=$(mktemp -d /tmp/tp-privilege-it.XXXXXX)
RUN_DIR=$WORK/run
SITE=akl
CAP_NET_RAW_MASK=$((1 << 13))	# CAP_NET_RAW is capability 13
FAILED=0
PIDS=()
TB_UP=0

# Stop what we started, take the testbed down and remove the work folder.
cleanup() {
	local pid
	trap - EXIT
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [[ $TB_UP == 1 ]]; then
		tb down >/dev/null 2>&1 || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

# Run tb for this test's testbed.
tb() {
	"$TB" --quiet --prefix "$PREFIX" --run-dir "$RUN_DIR" "$@"
}

# Write a fresh random key (64 hex characters) to $1, mode 0600.
make_key() {
	(umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$1"; echo >>"$1")
}

# The hex value of field $2 (CapEff, CapBnd, ...) in /proc/$1/status, as a number.
cap_field() {
	local hex
	hex=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status")
	[[ -n $hex ]] || { echo -1; return; }
	echo $((16#$hex))
}

# The four ids of line $2 (Uid or Gid) in /proc/$1/status, space-separated.
id_field() {
	awk -v f="$2:" '$1 == f { print $2, $3, $4, $5 }' "/proc/$1/status"
}

# Start tp-probe listen at $SITE with extra args; sets LPID; waits for the header.
start_listener() {
	local name=$1 i
	shift
	"$TB" --quiet --prefix "$PREFIX" --run-dir "$RUN_DIR" exec "$SITE" \
	    "$PROBE" listen -r 7 -s "$SITE" -k "$WORK/probe.key" --duration 120 -q "$@" \
	    >"$WORK/rec-$name.txt" 2>"$WORK/err-$name.txt" &
	LPID=$!		# tb exec execs: this is tp-probe itself
	PIDS+=("$LPID")
	for i in $(seq 100); do
		grep -q '^tp-records 2$' "$WORK/rec-$name.txt" 2>/dev/null && return 0
		kill -0 "$LPID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

[[ $(id -u) == 0 ]] || { echo "FAIL setup: needs root"; exit 1; }
for f in "$PROBE" "$BGPCTL"; do
	[[ -x $f ]] || { echo "FAIL setup: $f not built (set TP_BUILD_DIR)"; exit 1; }
done
if [[ ! -x $FAKE_BIRD ]]; then
	make -C "$TP_BUILD_DIR" -s tests/integration/fake-bird >/dev/null ||
	    { echo "FAIL setup: cannot build $FAKE_BIRD"; exit 1; }
fi
if ip netns list | grep -q "^$PREFIX-"; then
	echo "FAIL setup: namespaces $PREFIX-* exist already (another run?); not touching them"
	exit 1
fi

# ---- tp-probe listen: capabilities and --user ---------------------------

TB_UP=1
tb up tiny >/dev/null || { echo "FAIL setup: tb up tiny failed"; exit 1; }
make_key "$WORK/probe.key"

# Check the process $2 (named $1 in messages) runs as user nobody with
# exactly the capabilities $3 (a mask) in CapEff and CapPrm, nothing
# inheritable or ambient, and a bounding set within $3.
check_dropped() {
	local name=$1 pid=$2 want=$3 eff prm inh amb bnd uid gid
	local nu nobody_gid
	nu=$(id -u nobody)
	nobody_gid=$(id -g nobody)
	eff=$(cap_field "$pid" CapEff)
	prm=$(cap_field "$pid" CapPrm)
	inh=$(cap_field "$pid" CapInh)
	amb=$(cap_field "$pid" CapAmb)
	bnd=$(cap_field "$pid" CapBnd)
	uid=$(id_field "$pid" Uid)
	gid=$(id_field "$pid" Gid)
	if [[ $(cat "/proc/$pid/comm") != tp-probe ]]; then
		fail "$name" "pid $pid is $(cat "/proc/$pid/comm"), not tp-probe"
	elif [[ $uid != "$nu $nu $nu $nu" || $gid != "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" ]]; then
		fail "$name" "uids $uid gids $gid; want every one nobody's ($nu/$nobody_gid)"
	elif ((eff != want || prm != want)); then
		fail "$name" "CapEff $(printf '%x' "$eff"), CapPrm $(printf '%x' "$prm"); want $(printf '%x' "$want")"
	elif ((inh != 0 || amb > 0 || bnd < 0 || (bnd & ~want) != 0)); then
		fail "$name" "CapInh $(printf '%x' "$inh") CapAmb $(printf '%x' "$amb") CapBnd $(printf '%x' "$bnd"); want none beyond $(printf '%x' "$want")"
	else
		pass "$name: every uid and gid nobody's, CapEff = CapPrm = $(printf '%x' "$want"), CapBnd $(printf '%x' "$bnd"), nothing inheritable or ambient"
	fi
}

# listen as root, dropping to nobody: only CAP_NET_RAW, still capturing.
if start_listener nobody --user nobody; then
	check_dropped "listen --user nobody" "$LPID" "$CAP_NET_RAW_MASK"
else
	fail "listen --user nobody" "listener did not start: $(head -c 300 "$WORK/err-nobody.txt")"
fi
# listen as root without --user: the package's user tp, or one clear refusal.
if getent passwd tp >/dev/null; then
	if start_listener tp; then
		uid=$(id_field "$LPID" Uid)
		tpu=$(id -u tp)
		[[ $uid == "$tpu $tpu $tpu $tpu" ]] && pass "listen as root without --user: runs as tp" ||
		    fail "listen default user" "uids $uid; want tp's $tpu"
	else
		fail "listen default user" "$(head -c 300 "$WORK/err-tp.txt")"
	fi
elif start_listener notp; then
	fail "listen without --user" "started as root although there is no user tp"
elif [[ $(grep -c . "$WORK/err-notp.txt") == 1 ]] && grep -q 'no user "tp"' "$WORK/err-notp.txt"; then
	pass "listen as root without --user and no user tp: refused in one line ($(cat "$WORK/err-notp.txt"))"
else
	fail "listen without --user" "$(head -c 300 "$WORK/err-notp.txt")"
fi
# The tp.conf key probe_user does what --user does.
printf '[campaign]\nkey_file = %s\nprobe_user = nobody\n' "$WORK/probe.key" >"$WORK/user.conf"
if start_listener conf -c "$WORK/user.conf"; then
	check_dropped "listen -c tp.conf with probe_user = nobody" "$LPID" "$CAP_NET_RAW_MASK"
else
	fail "listen probe_user" "listener did not start: $(head -c 300 "$WORK/err-conf.txt")"
fi
if start_listener baduser --user tp-no-such-user-$$; then
	fail "listen --user unknown" "started with a user that does not exist"
elif grep -q "no user" "$WORK/err-baduser.txt"; then
	pass "listen --user with an unknown user: refused ($(head -n 1 "$WORK/err-baduser.txt"))"
else
	fail "listen --user unknown" "$(head -c 300 "$WORK/err-baduser.txt")"
fi

# listen --read-pcap drops everything. The capture is a fifo that has only
# had the file header yet, so the replay waits for packets after the drop.
mkfifo "$WORK/replay.pcap"
exec {FIFO_W}<>"$WORK/replay.pcap"
head -c 24 "$HERE/../fixtures/pcap/replies-any.pcap" >&"$FIFO_W"
"$PROBE" listen --user nobody -q -r 7 -s "$SITE" -k "$WORK/probe.key" \
    --read-pcap "$WORK/replay.pcap" >"$WORK/rec-replay.txt" 2>"$WORK/err-replay.txt" &
RPID=$!
PIDS+=("$RPID")
for _ in $(seq 100); do
	grep -q '^tp-records 2$' "$WORK/rec-replay.txt" 2>/dev/null && break
	sleep 0.05
done
if grep -q '^tp-records 2$' "$WORK/rec-replay.txt"; then
	check_dropped "listen --read-pcap --user nobody" "$RPID" 0
else
	fail "listen --read-pcap" "did not start: $(head -c 300 "$WORK/err-replay.txt")"
fi
exec {FIFO_W}>&-

# send drops everything once its raw sockets are open: a slow send (10
# probes a second to the testbed's own clients, three passes) is looked at
# mid-way.
: >"$WORK/no-exclude.conf"
tb targets --family 4 --per-network 8 | head -n 60 >"$WORK/targets.txt"
"$TB" --quiet --prefix "$PREFIX" --run-dir "$RUN_DIR" exec "$SITE" \
    "$PROBE" send --user nobody -q -j -r 7 -k "$WORK/probe.key" -x "$WORK/no-exclude.conf" \
    -R 10 --repeat 3 "$WORK/targets.txt" >"$WORK/send.json" 2>"$WORK/err-send.txt" &
SPID=$!
PIDS+=("$SPID")
sleep 1.5
if kill -0 "$SPID" 2>/dev/null; then
	check_dropped "send --user nobody (sending)" "$SPID" 0
else
	fail "send --user nobody" "ended early: $(head -c 300 "$WORK/err-send.txt")"
fi
wait "$SPID"
sent=$(jq -r .sent "$WORK/send.json" 2>/dev/null)
want=$((3 * $(wc -l <"$WORK/targets.txt")))
[[ $sent == "$want" ]] && pass "send --user nobody: all $sent probes sent after the drop" ||
    fail "send --user nobody" "sent $sent of $want: $(head -c 300 "$WORK/err-send.txt")"
if ! getent passwd tp >/dev/null; then
	if tb exec "$SITE" "$PROBE" send -q -j -r 7 -k "$WORK/probe.key" -x "$WORK/no-exclude.conf" \
	    "$WORK/targets.txt" >"$WORK/send2.json" 2>"$WORK/err-send2.txt"; then
		fail "send without --user" "ran as root although there is no user tp"
	elif grep -q 'no user "tp"' "$WORK/err-send2.txt"; then
		pass "send as root without --user and no user tp: refused, nothing sent"
	else
		fail "send without --user" "$(head -c 300 "$WORK/err-send2.txt")"
	fi
fi

for pid in "${PIDS[@]}"; do
	kill "$pid" 2>/dev/null || true
done
wait 2>/dev/null || true
PIDS=()
tb down >/dev/null 2>&1 || fail "tb down" "the testbed did not come down cleanly"
TB_UP=0

# ---- tp-bgpctl: what reaches BIRD --------------------------------------

SOCK=$WORK/bird.ctl
LOG=$WORK/bird-received.txt
: >"$LOG"
"$FAKE_BIRD" "$SOCK" "$LOG" 2>"$WORK/fake-bird.err" &
PIDS+=($!)
for _ in $(seq 100); do
	[[ -S $SOCK ]] && break
	sleep 0.05
done
[[ -S $SOCK ]] || { echo "FAIL setup: fake BIRD did not start: $(cat "$WORK/fake-bird.err")"; exit 1; }

# A config with site a at the fake socket; $1 = the [site ...] header line,
# $2 = the protocols line (both may be hostile).
write_conf() {
	printf '[campaign]\nmin_announcing = 1\n\n%s\nbird_socket = %s\n%s\n' \
	    "$1" "$SOCK" "$2" >"$3"
}
write_conf "[site a]" "protocols = tp_anycast4 tp_anycast6" "$WORK/good.conf"

# Lines the fake BIRD has received so far.
received() {
	wc -l <"$LOG"
}

# Run tp-bgpctl with a good config; it must succeed. $1 names the step.
legit() {
	local name=$1
	shift
	if "$BGPCTL" -q -c "$WORK/good.conf" -t 5 "$@" >"$WORK/out.txt" 2>&1; then
		pass "bgpctl $name: ok"
	else
		fail "bgpctl $name" "exit $?: $(head -c 300 "$WORK/out.txt")"
	fi
}

# Run tp-bgpctl with config $2 and args; it must fail and send BIRD nothing.
HOSTILE_OK=0
HOSTILE_BAD=0
hostile() {
	local name=$1 conf=$2 before after rc
	shift 2
	before=$(received)
	"$BGPCTL" -q -c "$conf" -t 5 "$@" >"$WORK/out.txt" 2>&1
	rc=$?
	sleep 0.05
	after=$(received)
	if [[ $rc != 0 && $before == "$after" ]]; then
		HOSTILE_OK=$((HOSTILE_OK + 1))
	else
		HOSTILE_BAD=$((HOSTILE_BAD + 1))
		fail "bgpctl refuses $name" "exit $rc, BIRD received $((after - before)) line(s): $(tail -n 1 "$WORK/out.txt")"
	fi
}

legit "status" status
legit "status a" status a
legit "withdraw a" --announcing 3 withdraw a
legit "announce a" announce a
legit "announce all" announce all
legit "show a show protocols" show a show protocols
legit "show a show route protocol tp_anycast4" show a show route protocol tp_anycast4

# Names from the command line.
BAD_NAMES=('a b' 'a"b' "a'b" $'a\nb' $'a\r' 'a;b' '`id`' '$(id)' 'a\b' '-a' '' 'a{b}'
	"$(printf 'a%.0s' $(seq 64))")
for n in "${BAD_NAMES[@]}"; do
	hostile "site name $(printf '%q' "$n") (status)" "$WORK/good.conf" status "$n"
	hostile "site name $(printf '%q' "$n") (withdraw)" "$WORK/good.conf" --announcing 3 withdraw "$n"
	hostile "site name $(printf '%q' "$n") (announce)" "$WORK/good.conf" announce "$n"
	hostile "site name $(printf '%q' "$n") (show)" "$WORK/good.conf" show "$n" show status
	hostile "site name $(printf '%q' "$n") after a good one" "$WORK/good.conf" \
	    --announcing 3 withdraw a "$n"
done
# Show words: only [A-Za-z0-9_.:/-], and the first must be "show".
hostile "show word with a newline" "$WORK/good.conf" show a show $'protocols\ndisable tp_anycast4'
hostile "show word with a CR" "$WORK/good.conf" show a show $'status\r'
hostile "show word with a space" "$WORK/good.conf" show a show 'route filter { accept; }'
hostile "show word with a quote" "$WORK/good.conf" show a show route protocol 'tp_anycast4"'
hostile "show filter braces" "$WORK/good.conf" show a show route filter '{' accept\; '}'
hostile "show word with a semicolon" "$WORK/good.conf" show a show 'status;'
hostile "pass-through of disable" "$WORK/good.conf" show a disable tp_anycast4
hostile "pass-through of configure" "$WORK/good.conf" show a configure soft
hostile "pass-through of down" "$WORK/good.conf" show a down
hostile "empty show" "$WORK/good.conf" show a
# Names from tp.conf: site headers and protocols.
i=0
while IFS= read -r -d '' header && IFS= read -r -d '' protos; do
	i=$((i + 1))
	write_conf "$header" "$protos" "$WORK/bad$i.conf"
	for cmd in "status" "--announcing 3 withdraw a" "announce a" "show a show status"; do
		# shellcheck disable=SC2086
		hostile "tp.conf $(printf '%q / %q' "$header" "$protos") ($cmd)" "$WORK/bad$i.conf" $cmd
	done
done < <(printf '%s\0' \
	'[site a b]' 'protocols = tp_anycast4' \
	'[site "a"]' 'protocols = tp_anycast4' \
	'[site a"]' 'protocols = tp_anycast4' \
	"[site a']" 'protocols = tp_anycast4' \
	'[site a;b]' 'protocols = tp_anycast4' \
	'[site a]' 'protocols = tp_anycast4 "tp-bgpctl"' \
	'[site a]' 'protocols = "tp_anycast4"' \
	'[site a]' 'protocols = tp_anycast4;disable' \
	'[site a]' $'protocols = tp_any\rcast4' \
	'[site a]' $'protocols = tp_anycast4\n  disable tp_anycast6' \
	'[site a]' 'protocols = tp_anycast4 `id`' \
	'[site a]' 'protocols = $(id)' \
	'[site a]' "protocols = $(printf 'p%.0s' $(seq 64))")
if ((HOSTILE_BAD == 0 && HOSTILE_OK > 0)); then
	pass "bgpctl: $HOSTILE_OK hostile invocations (names with spaces, quotes, newlines, CR, shell characters, too long; bad show words; bad tp.conf names) refused, none sent BIRD a byte"
fi

# Every line BIRD received is one of the six commands.
allowed='^(show( [A-Za-z0-9_.:/-]+)+|enable (tp_anycast4|tp_anycast6)|disable (tp_anycast4|tp_anycast6) "tp-bgpctl withdraw"|configure timeout [0-9]+|configure confirm|restrict)$'
total=$(received)
other=$(LC_ALL=C grep -cvE "$allowed" "$LOG")
if ((total > 0 && other == 0)); then
	pass "bgpctl: all $total lines BIRD received are show/enable/disable/configure timeout/configure confirm/restrict"
else
	fail "bgpctl commands" "$other of $total received lines are not allowed: $(LC_ALL=C grep -vE "$allowed" "$LOG" | head -n 3 | cat -A)"
fi
# ...and the state-changing ones are exactly what withdraw and announce need.
for want in "configure timeout 900:1" 'disable tp_anycast4 "tp-bgpctl withdraw":1' \
    'disable tp_anycast6 "tp-bgpctl withdraw":1' "enable tp_anycast4:2" "enable tp_anycast6:2" \
    "configure confirm:2" "restrict:2"; do
	line=${want%:*}
	n=$(grep -cxF "$line" "$LOG")
	[[ $n == "${want##*:}" ]] || fail "bgpctl commands" "\"$line\" received $n times, want ${want##*:}"
done

if [[ $FAILED == 0 ]]; then
	echo "test-privilege: all passed"
else
	echo "test-privilege: FAILED"
fi
exit "$FAILED"
