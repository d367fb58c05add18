# slow.sh: the slow-convergence mode (tb up --slow). BIRD 2 has no MRAI
# timer and the kernel may lack netem, so every BGP message a BIRD sends is
# held SLOW_DELAY seconds by tb-bgp-delay: an iptables NFQUEUE rule in each
# BIRD namespace queues outgoing TCP port 179 segments that end a write
# (PSH; pure ACKs pass, so TCP sees a round trip of one delay, not two),
# and the program lets each go after the delay. A change then takes SLOW_DELAY per hop to
# spread, like BGP with update delays on the real Internet. Probe traffic
# is not delayed. Sourced by testbed/tb.

SLOW_DELAY_DEFAULT=20

# The file that records the delay of a slow testbed.
slow_file() {
	printf '%s/slow' "$RUN_DIR"
}

# Print the BGP delay per hop of this testbed in seconds (0: not slow).
slow_delay() {
	local d
	d=$(cat "$(slow_file)" 2>/dev/null) || d=0
	printf '%d' "${d:-0}"
}

# Print the tb-bgp-delay program: $TB_BGP_DELAY, the build folder's
# ($TP_BUILD_DIR, else build-test in the source tree), or one on PATH.
slow_program() {
	local p
	for p in "${TB_BGP_DELAY:-}" "${TP_BUILD_DIR:+$TP_BUILD_DIR/tb-bgp-delay}" \
	    "$TB_HOME/../build-test/tb-bgp-delay" "$(command -v tb-bgp-delay 2>/dev/null)"; do
		[[ -n $p && -x $p ]] && { printf '%s' "$p"; return 0; }
	done
	die "--slow needs tb-bgp-delay: build the tree (make), or set TB_BGP_DELAY or TP_BUILD_DIR"
}

# Set BIRD_BGP_TIMERS for BGP messages delayed $1 seconds per hop: a hold
# time that outlasts a delayed keepalive, and a connect retry time longer
# than a delayed TCP handshake.
slow_timers() {
	local d=$1 hold
	hold=$((3 * d + 30))
	BIRD_BGP_TIMERS="hold time $hold; keepalive time $((hold / 3)); startup hold time $hold;
	connect delay time 1; connect retry time $((3 * d + 10)); error wait time 1, 3;
	error forget time 10; graceful restart off;"
}

# Queue outgoing BGP packets in every BIRD namespace and start tb-bgp-delay
# on those queues, delaying $1 seconds; its PID goes to bgp-delay.pid.
slow_start() {
	local d=$1 prog n ns ipt pid line
	local -a paths=()
	prog=$(slow_program) || exit 1
	command -v iptables >/dev/null && command -v ip6tables >/dev/null ||
	    die "--slow needs iptables and ip6tables (Debian package iptables)"
	for n in $(bird_nodes); do
		ns=$(ns_of "$n")
		for ipt in iptables ip6tables; do
			ip netns exec "$ns" "$ipt" -A OUTPUT -p tcp --dport 179 --tcp-flags PSH PSH \
			    -j NFQUEUE --queue-num 0 --queue-bypass &&
			    ip netns exec "$ns" "$ipt" -A OUTPUT -p tcp --sport 179 --tcp-flags PSH PSH \
			    -j NFQUEUE --queue-num 0 --queue-bypass ||
			    die "cannot add the NFQUEUE rules in $ns ($ipt)"
		done
		paths+=("/run/netns/$ns")
	done
	printf '%s\n' "$d" >"$(slow_file)"
	coproc SLOW_PROC { exec "$prog" "$d" "${paths[@]}" 2>>"$RUN_DIR/bgp-delay.log"; }
	pid=$SLOW_PROC_PID
	printf '%s\n' "$pid" >"$RUN_DIR/bgp-delay.pid"
	read -r -t 10 line <&"${SLOW_PROC[0]}" || line=
	[[ $line == ready ]] || die "tb-bgp-delay did not start (see $RUN_DIR/bgp-delay.log)"
}

# 0 when PID $1 is this testbed's tb-bgp-delay (its arguments name our
# namespaces).
slow_pid_ours() {
	local pid=$1 cmd
	[[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
	cmd=$(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline) || return 1
	[[ $cmd == *tb-bgp-delay* && $cmd == *"/run/netns/$PREFIX-"* ]]
}

# Stop this testbed's tb-bgp-delay, by its recorded PID, before the
# namespaces go (its queue sockets would keep them alive).
slow_stop() {
	local pidf=$RUN_DIR/bgp-delay.pid pid i
	pid=$(cat "$pidf" 2>/dev/null) || pid=
	if slow_pid_ours "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			slow_pid_ours "$pid" || break
			sleep 0.1
		done
		slow_pid_ours "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$pidf" "$(slow_file)" "$RUN_DIR/bgp-delay.log"
}
