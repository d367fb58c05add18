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

# Print the truth table of lane $2 (default 0): text, or JSON when $1 is
# not empty.
truth_print() {
	local json=${1:-} lane=${2:-0} c s4 s6 first=1
	truth_address_map
	truth_load_next_hops "$lane"
	if [[ -n $json ]]; then
		printf '{"lane":%d,"address4":"%s","address6":"%s","clients":[' \
		    "$lane" "$(lane_addr "$lane" 4)" "$(lane_addr "$lane" 6)"
	else
		printf '%-12s %-12s %-18s %-24s %-12s %s\n' client router ipv4 ipv6 site4 site6
	fi
	for c in $(nodes_of_kind client); do
		s4=$(truth_site "${CROUTER[$c]}" 4)
		s6=$(truth_site "${CROUTER[$c]}" 6)
		if [[ -n $json ]]; then
			((first)) || printf ','
			first=0
			printf '{"name":"%s","router":"%s","ipv4":"%s","ipv6":"%s","site4":%s,"site6":%s}' \
			    "$c" "${CROUTER[$c]}" "${CV4[$c]}" "${CV6[$c]}" \
			    "$(json_str_or_null "$s4")" "$(json_str_or_null "$s6")"
		else
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
