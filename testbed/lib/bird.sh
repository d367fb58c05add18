# bird.sh: BIRD 2 for every site and transit router: configuration,
# start, stop (by recorded PID only) and the wait for convergence.
# Sourced by testbed/tb.

# BGP timers: short, so that up and withdrawals converge in seconds.
BIRD_BGP_TIMERS='hold time 6; keepalive time 2; startup hold time 6;
	connect delay time 1; connect retry time 1; error wait time 1, 3;
	error forget time 10; graceful restart off;'

# The large community a router puts on routes it may pass to peers and
# providers (those from customers, sites and plain links).
bird_tag() {
	printf '(%s, 1, 1)' "$1"
}

# Print the import filter of node $1 for the link described by link_view.
# Routers set the local preference, and tag what they may pass on to peers
# and providers (routes from customers, sites and plain links).
bird_import_filter() {
	local n=$1
	if [[ ${KIND[$n]} == site ]]; then
		printf 'import all;'
		return
	fi
	case $LV_ROLE in
	customer | plain | site)
		printf 'import filter { bgp_local_pref = %d; bgp_large_community.add(%s); accept; };' \
		    "$LV_LP" "$(bird_tag "${ASN[$n]}")"
		;;
	*)
		printf 'import filter { bgp_local_pref = %d; accept; };' "$LV_LP"
		;;
	esac
}

# Print the export filter of node $1 in family $2 for the link described
# by link_view. Sites send only the anycast range and the lanes inside
# it (prepended as asked);
# routers send everything to customers, sites and plain neighbours, and
# to peers and providers only their own client ranges and tagged routes.
bird_export_filter() {
	local n=$1 fam=$2 net i prep=
	if [[ ${KIND[$n]} == site ]]; then
		net="[ $(lane_net 0 "$fam")+ ]"
		for ((i = 0; i < ${PREPEND[$n]}; i++)); do
			prep+="bgp_path.prepend($ANYCAST_AS); "
		done
		printf 'export filter { if net ~ %s then { %saccept; } reject; };' "$net" "$prep"
		return
	fi
	case $LV_ROLE in
	peer | provider)
		printf 'export filter { if source = RTS_STATIC || %s ~ bgp_large_community then accept; reject; };' \
		    "$(bird_tag "${ASN[$n]}")"
		;;
	*)
		printf 'export all;'
		;;
	esac
}

# Print the BIRD configuration of node $1 (a site or a router).
bird_config() {
	local n=$1 k l fam my_as peer_as peer_addr my_addr
	if [[ ${KIND[$n]} == site ]]; then my_as=$ANYCAST_AS; else my_as=${ASN[$n]}; fi
	link_view "$n" "$(node_first_link "$n")"
	cat <<EOF
# BIRD configuration of $PREFIX-$n (${KIND[$n]} $n), made by testbed/tb.
log "$RUN_DIR/$n.log" all;
router id $LV_MY4;

protocol device { scan time 10; }
EOF
	if [[ ${KIND[$n]} == site ]]; then
		cat <<'EOF'
protocol kernel kernel4 { ipv4 { import none; export where net !~ [ 192.0.2.0/24+ ]; }; }
protocol kernel kernel6 { ipv6 { import none; export where net !~ [ 2001:db8:ffff::/48+ ]; }; }

# The anycast test range (lane 0) and the lanes inside it, one static
# protocol each: disable to withdraw this site, enable to announce.
EOF
		for ((l = 0; l <= LANES; l++)); do
			for fam in 4 6; do
				printf 'protocol static %s { ipv%s; route %s blackhole; }\n' \
				    "$(lane_protocol "$l" "$fam")" "$fam" "$(lane_net "$l" "$fam")"
			done
		done
	else
		cat <<'EOF'
protocol kernel kernel4 { ipv4 { import none; export all; }; }
protocol kernel kernel6 { ipv6 { import none; export all; }; }
EOF
		for fam in 4 6; do
			printf 'protocol static clients%s {\n\tipv%s;\n' "$fam" "$fam"
			for k in ${NODE_LINKS[$n]}; do
				[[ ${LREL[$k]} == client ]] || continue
				link_view "$n" "$k"
				if [[ $fam == 4 ]]; then
					printf '\troute %s via %s;\n' "${CV4[$LV_PEER]}" "$LV_PEER4"
				else
					printf '\troute %s via %s;\n' "${CV6[$LV_PEER]}" "$LV_PEER6"
				fi
			done
			printf '}\n'
		done
	fi
	printf '\ntemplate bgp tp_bgp {\n\tlocal as %s;\n\t%s\n}\n' "$my_as" "$BIRD_BGP_TIMERS"
	for k in ${NODE_LINKS[$n]}; do
		[[ ${LREL[$k]} == client ]] && continue
		link_view "$n" "$k"
		if [[ ${KIND[$LV_PEER]} == site ]]; then peer_as=$ANYCAST_AS; else peer_as=${ASN[$LV_PEER]}; fi
		for fam in 4 6; do
			peer_addr=$LV_PEER4 my_addr=$LV_MY4
			[[ $fam == 6 ]] && peer_addr=$LV_PEER6 my_addr=$LV_MY6
			printf '\n# %s %s over %s\nprotocol bgp n%s_%s from tp_bgp {\n' \
			    "$LV_ROLE" "$LV_PEER" "$LV_IF" "$fam" "$LV_PEER"
			printf '\tneighbor %s as %s;\n\tsource address %s;\n\tipv%s {\n\t\t' \
			    "$peer_addr" "$peer_as" "$my_addr" "$fam"
			bird_import_filter "$n"
			printf '\n\t\t'
			bird_export_filter "$n" "$fam"
			printf '\n\t};\n}\n'
		done
	done
}

# The nodes that run BIRD (sites and routers), one per line.
bird_nodes() {
	local n
	for n in "${NODES[@]}"; do
		[[ ${KIND[$n]} == client ]] || printf '%s\n' "$n"
	done
}

# Write, check and start the BIRD of every site and router.
bird_start_all() {
	local n conf
	for n in $(bird_nodes); do
		conf=$RUN_DIR/$n.conf
		bird_config "$n" >"$conf"
		bird -p -c "$conf" || die "BIRD rejects $conf (see above)"
	done
	for n in $(bird_nodes); do
		ip netns exec "$(ns_of "$n")" bird -c "$RUN_DIR/$n.conf" \
		    -s "$(bird_socket "$n")" -P "$RUN_DIR/$n.pid" ||
		    die "cannot start BIRD for $n (log: $RUN_DIR/$n.log)"
	done
}

# 0 when PID $1 is a BIRD of this testbed: its command line is bird's
# and names our control socket $2 after -s. Reads /proc without forking.
bird_pid_ours() {
	local pid=$1 sock=$2 comm i
	local -a argv=()
	[[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
	read -r comm 2>/dev/null </proc/"$pid"/comm || return 1
	[[ $comm == bird ]] || return 1
	mapfile -d '' -t argv 2>/dev/null </proc/"$pid"/cmdline || return 1
	[[ ${argv[0]:-} == bird || ${argv[0]:-} == */bird ]] || return 1
	for ((i = 1; i + 1 < ${#argv[@]}; i++)); do
		[[ ${argv[i]} == -s && ${argv[i + 1]} == "$sock" ]] && return 0
	done
	return 1
}

# Stop every BIRD recorded in the run folder, by PID, only after checking
# that the PID is still our BIRD.
bird_stop_all() {
	local conf pidf n pid sock i p
	local -a stopping=()
	for conf in "$RUN_DIR"/*.conf; do
		[[ -e $conf ]] || continue
		n=$(basename "$conf" .conf)
		sock=$(bird_socket "$n")
		pidf=$RUN_DIR/$n.pid
		pid=$(cat "$pidf" 2>/dev/null) || pid=
		if [[ -z $pid ]]; then
			# Interrupted before BIRD wrote its PID file: find it by
			# its command line, which names this run folder's socket.
			for p in /proc/[0-9]*; do
				bird_pid_ours "${p#/proc/}" "$sock" && pid=${p#/proc/} && break
			done
		fi
		if bird_pid_ours "$pid" "$sock"; then
			kill -TERM "$pid" 2>/dev/null && stopping+=("$pid:$sock")
		fi
		rm -f "$pidf"
	done
	for ((i = 0; i < 50 && ${#stopping[@]} > 0; i++)); do
		local -a left=()
		local e
		for e in "${stopping[@]}"; do
			bird_pid_ours "${e%%:*}" "${e#*:}" && left+=("$e")
		done
		stopping=("${left[@]}")
		((${#stopping[@]} == 0)) || sleep 0.1
	done
	for e in "${stopping[@]}"; do
		warn "BIRD ${e%%:*} did not stop on TERM; sending KILL"
		kill -KILL "${e%%:*}" 2>/dev/null
	done
	rm -f "$RUN_DIR"/*.ctl
}

# Print the prefixes node $1 must have once converged, space separated:
# every client range, and for a router also the anycast ranges and lanes.
bird_expected_routes() {
	local c l
	for c in $(nodes_of_kind client); do printf '%s %s ' "${CV4[$c]}" "${CV6[$c]}"; done
	if [[ ${KIND[$1]} == router ]]; then
		for ((l = 0; l <= LANES; l++)); do
			printf '%s %s ' "$(lane_net "$l" 4)" "$(lane_net "$l" 6)"
		done
	fi
	return 0
}

# Print what is still missing for node $1 to be converged (sessions not
# Established, expected routes $2 not in its tables). Empty when done.
bird_missing() {
	local n=$1 want=$2 sock
	sock=$(bird_socket "$n")
	[[ -S $sock ]] || { printf '%s: no control socket yet\n' "$n"; return; }
	{
		birdc -s "$sock" show protocols
		echo '--- routes'
		birdc -s "$sock" show route table all
	} 2>/dev/null | awk -v n="$n" -v want="$want" '
		$0 == "--- routes" { routes = 1; next }
		!routes && $2 == "BGP" && $0 !~ /Established/ {
			printf("%s: session %s not established\n", n, $1)
		}
		routes && $1 ~ /\// { have[$1] = 1 }
		END {
			k = split(want, w, " ")
			for (i = 1; i <= k; i++)
				if (!(w[i] in have))
					printf("%s: no route for %s\n", n, w[i])
		}'
}

# Wait until every session is Established and every route is present, or
# fail after $1 seconds naming what is missing.
bird_wait_converged() {
	local timeout=$1 start now missing n
	local -A want=()
	for n in $(bird_nodes); do want[$n]=$(bird_expected_routes "$n"); done
	start=$(date +%s.%N)
	while :; do
		missing=
		for n in $(bird_nodes); do
			missing+=$(bird_missing "$n" "${want[$n]}")
			[[ -n $missing ]] && break
		done
		[[ -z $missing ]] && return 0
		now=$(date +%s.%N)
		if awk -v s="$start" -v n="$now" -v t="$timeout" 'BEGIN { exit !(n - s > t) }'; then
			missing=
			for n in $(bird_nodes); do
				missing+=$(bird_missing "$n" "${want[$n]}")$'\n'
			done
			warn "not converged after ${timeout}s:"
			grep -v '^$' <<<"$missing" | head -20 >&2
			return 1
		fi
		sleep 0.2
	done
}
