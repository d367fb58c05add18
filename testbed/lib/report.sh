# report.sh: what tb prints about a running testbed: status, a tp.conf
# for it, and its client addresses. Sourced by testbed/tb.

# Print "UP TOTAL RUNNING" for node $1: BGP sessions established, BGP
# sessions, and 1 when its BIRD answers (0 0 0 when it does not).
status_sessions() {
	local out
	if out=$(birdc -s "$(bird_socket "$1")" show protocols 2>/dev/null); then
		awk '$2 == "BGP" { total++; if ($0 ~ /Established/) up++ }
			END { printf("%d %d 1\n", up, total) }' <<<"$out"
	else
		echo 0 0 0
	fi
}

# Print the MAC address of interface $2 in namespace $1.
status_mac() {
	ip -n "$1" -br link show dev "$2" 2>/dev/null | awk '{ print $3 }'
}

# Print the lanes as JSON objects separated by commas: number, prefixes,
# anycast addresses and the static protocols that originate them.
status_lanes_json() {
	local l
	for ((l = 0; l <= LANES; l++)); do
		((l == 0)) || printf ','
		printf '{"lane":%d,"ipv4":"%s","ipv6":"%s","address4":"%s","address6":"%s","protocol4":"%s","protocol6":"%s"}' \
		    "$l" "$(lane_net "$l" 4)" "$(lane_net "$l" 6)" "$(lane_addr "$l" 4)" \
		    "$(lane_addr "$l" 6)" "$(lane_protocol "$l" 4)" "$(lane_protocol "$l" 6)"
	done
}

# Print the status of the testbed: text, or JSON with --json as $1.
status_print() {
	local json=${1:-} n k r ns up total running first=1 mac bgp
	if [[ -n $json ]]; then
		printf '{"prefix":"%s","run_dir":"%s","topology":"%s","bgp_delay":%d,"lanes":[' \
		    "$PREFIX" "$RUN_DIR" "$TOPO_NAME" "$(slow_delay)"
		status_lanes_json
		printf '],"nodes":['
	else
		printf 'testbed %s (topology %s, run folder %s, lanes 0 to %d, BGP delay %d s per hop)\n' \
		    "$PREFIX" "$TOPO_NAME" "$RUN_DIR" "$LANES" "$(slow_delay)"
	fi
	for n in "${NODES[@]}"; do
		ns=$(ns_of "$n")
		up=0 total=0 running=0
		[[ ${KIND[$n]} != client ]] && read -r up total running < <(status_sessions "$n")
		if [[ -z $json ]]; then
			bgp="bgp $up/$total established"
			((running)) || bgp="BIRD not running"
			case ${KIND[$n]} in
			site) printf '  site    %-12s %-20s upstream %-10s %s\n' \
			    "$n" "$ns" "${UPSTREAM[$n]}" "$bgp" ;;
			router) printf '  router  %-12s %-20s as %-16s %s\n' \
			    "$n" "$ns" "${ASN[$n]}" "$bgp" ;;
			client) printf '  client  %-12s %-20s router %-12s %s %s\n' \
			    "$n" "$ns" "${CROUTER[$n]}" "${CV4[$n]}" "${CV6[$n]}" ;;
			esac
			continue
		fi
		((first)) || printf ','
		first=0
		printf '{"name":"%s","kind":"%s","netns":"%s"' "$n" "${KIND[$n]}" "$ns"
		case ${KIND[$n]} in
		site)
			k=$(node_first_link "$n")
			r=${UPSTREAM[$n]}
			mac=$(status_mac "$(ns_of "$r")" "$(link_ifname "$r" "$k")")
			printf ',"bird_socket":"%s","upstream":"%s","uplink":"%s","gateway_mac":"%s","gateway4":"%s","gateway6":"%s","address4":"%s","address6":"%s","bird_running":%s,"sessions_established":%d,"sessions":%d' \
			    "$(bird_socket "$n")" "$r" "$(link_ifname "$n" "$k")" "$mac" \
			    "$(link_addr "$r" "$k" 4)" "$(link_addr "$r" "$k" 6)" \
			    "$(link_addr "$n" "$k" 4)" "$(link_addr "$n" "$k" 6)" \
			    "$( ((running)) && echo true || echo false)" "$up" "$total"
			;;
		router)
			printf ',"bird_socket":"%s","asn":%s,"bird_running":%s,"sessions_established":%d,"sessions":%d' \
			    "$(bird_socket "$n")" "${ASN[$n]}" \
			    "$( ((running)) && echo true || echo false)" "$up" "$total"
			;;
		client)
			printf ',"router":"%s","ipv4":"%s","ipv6":"%s"' \
			    "${CROUTER[$n]}" "${CV4[$n]}" "${CV6[$n]}"
			;;
		esac
		printf '}'
	done
	[[ -n $json ]] && printf ']}\n'
	return 0
}

# Print a tp.conf for this testbed: the database and key inside the run
# folder, one [site NAME] per site reached through ip netns exec.
conf_print() {
	local n
	cat <<EOF
# tp.conf for testbed $PREFIX (topology $TOPO_NAME), made by testbed/tb conf.
[campaign]
database = $RUN_DIR/tp.db
key_file = $RUN_DIR/probe.key
# The testbed runs everything as root and has no "tp" system user: tp-probe
# drops root to nobody once its key is read and its sockets are open.
probe_user = nobody
EOF
	for n in $(nodes_of_kind site); do
		cat <<EOF

[site $n]
exec = $(if [[ -n $(ssh_site_address "$n") ]]; then ssh_exec_prefix "$n"; else printf 'ip netns exec %s' "$(ns_of "$n")"; fi)
bird_socket = $(bird_socket "$n")
EOF
	done
}

# Print client addresses: family $1 (4, 6 or "" for both), $2 per
# network (0 = all), in form $3 (plain, client or seen; see targets.awk).
targets_print() {
	local fam=$1 per=$2 form=$3 c s4=- s6=-
	[[ $form == seen ]] && { truth_address_map; truth_load_next_hops; }
	{
		for c in $(nodes_of_kind client); do
			if [[ $form == seen ]]; then
				s4=$(truth_site "${CROUTER[$c]}" 4)
				s6=$(truth_site "${CROUTER[$c]}" 6)
			fi
			[[ $fam == 6 ]] ||
			    printf '4 %s %s %d %s\n' "$c" "${CV4[$c]}" $((1 << (32 - ${CV4[$c]#*/}))) "${s4:--}"
			[[ $fam == 4 ]] ||
			    printf '6 %s %s %d %s\n' "$c" "${CV6[$c]}" "${CHOSTS6[$c]}" "${s6:--}"
		done
	} | sort -s -k1,1n | awk -v per="$per" -v form="$form" -f "$TB_LIB/targets.awk"
}
