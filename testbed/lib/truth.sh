# truth.sh: where each client network's replies to the anycast address of
# a lane go right now, read from the routers' BIRD RIBs (best route, hop by hop),
# never from probing. Sourced by testbed/tb.

declare -A TRUTH_NH=()     # "ROUTER/FAM" -> next-hop node or "" (no route)
declare -A TRUTH_ADDR=()   # link address -> node that holds it

# Fill TRUTH_ADDR from the plan.
truth_address_map() {
	local k
	for ((k = 1; k <= NLINKS; k++)); do
		TRUTH_ADDR[${L4A[$k]}]=${LA[$k]}
		TRUTH_ADDR[${L4B[$k]}]=${LB[$k]}
		TRUTH_ADDR[${L6A[$k]}]=${LA[$k]}
		TRUTH_ADDR[${L6B[$k]}]=${LB[$k]}
	done
}

# Fill TRUTH_NH: for every router and family, the node its best route to
# the anycast address of lane $1 (default 0) points at ("" when it has no
# usable route).
truth_load_next_hops() {
	local lane=${1:-0} r fam dst via out
	for r in $(nodes_of_kind router); do
		for fam in 4 6; do
			dst=$(lane_addr "$lane" "$fam")
			# birdc exits 1 also for "Network not found" (no route).
			if ! out=$(birdc -s "$(bird_socket "$r")" show route for "$dst" primary 2>&1) &&
			    [[ $out != *"Network not found"* ]]; then
				die "cannot ask the BIRD of $r: ${out:-no answer} (is testbed $PREFIX up? are you root?)"
			fi
			via=$(awk '$1 == "via" { print $2; exit }' <<<"$out")
			TRUTH_NH[$r/$fam]=
			[[ -n $via ]] && TRUTH_NH[$r/$fam]=${TRUTH_ADDR[$via]:-}
		done
	done
}

# Print the site that traffic from router $1 to the anycast address of
# family $2 reaches, or nothing (no route, loop, or a dead end).
truth_site() {
	local node=$1 fam=$2 hops=0
	while ((hops++ < ${#NODES[@]})); do
		case ${KIND[$node]:-} in
		site) printf '%s' "$node"; return ;;
		router) node=${TRUTH_NH[$node/$fam]:-} ;;
		*) return ;;
		esac
		[[ -n $node ]] || return
	done
}

# Set TS_SITE to the site traffic from client network $1 reaches in family
# $2 (empty: none), and TS_SPLIT to "SITE:SHARE SITE:SHARE" when the network
# is split and its two uplinks reach different sites (SHARE: the uplink's
# weight over both, with three decimals; SITE "-" for an uplink that
# reaches no site), empty otherwise. TS_SITE is then the first uplink's.
truth_client() {
	local c=$1 fam=$2 other w1 w2
	TS_SITE=$(truth_site "${CROUTER[$c]}" "$fam")
	TS_SPLIT=
	[[ -n ${CSPLIT[$c]:-} ]] || return 0
	other=$(truth_site "${CSPLIT[$c]}" "$fam")
	[[ $other == "$TS_SITE" ]] && return 0
	read -r w1 w2 <<<"${CSPLITW[$c]}"
	TS_SPLIT=$(awk -v a="${TS_SITE:--}" -v b="${other:--}" -v w1="$w1" -v w2="$w2" \
	    'BEGIN { printf("%s:%.3f %s:%.3f", a, w1 / (w1 + w2), b, w2 / (w1 + w2)) }')
}

# Print the split "SITE:SHARE SITE:SHARE" $1 as a JSON array of
# {"site","share"} objects, or null when it is empty.
truth_split_json() {
	local part site first=1
	[[ -n $1 ]] || { printf 'null'; return; }
	printf '['
	for part in $1; do
		((first)) || printf ','
		first=0
		site=${part%%:*}
		[[ $site == - ]] && site=
		printf '{"site":%s,"share":%s}' "$(json_str_or_null "$site")" "${part#*:}"
	done
	printf ']'
}

# Print the truth table of lane $2 (default 0): text, or JSON when $1 is
# not empty. A split network's site column reads SITE:SHARE+SITE:SHARE.
truth_print() {
	local json=${1:-} lane=${2:-0} c s4 s6 p4 p6 first=1
	truth_address_map
	truth_load_next_hops "$lane"
	if [[ -n $json ]]; then
		printf '{"lane":%d,"address4":"%s","address6":"%s","clients":[' \
		    "$lane" "$(lane_addr "$lane" 4)" "$(lane_addr "$lane" 6)"
	else
		printf '%-12s %-12s %-18s %-24s %-12s %s\n' client router ipv4 ipv6 site4 site6
	fi
	for c in $(nodes_of_kind client); do
		truth_client "$c" 4
		s4=$TS_SITE p4=$TS_SPLIT
		truth_client "$c" 6
		s6=$TS_SITE p6=$TS_SPLIT
		if [[ -n $json ]]; then
			((first)) || printf ','
			first=0
			printf '{"name":"%s","router":"%s","ipv4":"%s","ipv6":"%s","site4":%s,"site6":%s,"split4":%s,"split6":%s,"icmp_silent":%s}' \
			    "$c" "${CROUTER[$c]}" "${CV4[$c]}" "${CV6[$c]}" \
			    "$(json_str_or_null "$s4")" "$(json_str_or_null "$s6")" \
			    "$(truth_split_json "$p4")" "$(truth_split_json "$p6")" \
			    "$( ((${CSILENT[$c]:-0})) && echo true || echo false)"
		else
			[[ -n $p4 ]] && s4=${p4/ /+}
			[[ -n $p6 ]] && s6=${p6/ /+}
			printf '%-12s %-12s %-18s %-24s %-12s %s\n' "$c" "${CROUTER[$c]}" \
			    "${CV4[$c]}" "${CV6[$c]}" "${s4:--}" "${s6:--}"
		fi
	done
	[[ -n $json ]] && printf ']}\n'
	return 0
}

# Print "$1" as a JSON string, or null when it is empty. Callers pass
# only plan values (letters, digits, dots, colons, slashes).
json_str_or_null() {
	if [[ -n $1 ]]; then printf '"%s"' "$1"; else printf 'null'; fi
}
