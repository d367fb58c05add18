# netns.sh: the namespaces, veth links, addresses and routes of a testbed,
# and their removal. Sourced by testbed/tb.
#
# veth pairs are created with both ends already inside their namespaces,
# so no testbed interface ever appears in the host's own namespace.

# The file listing every namespace this testbed created.
netns_list_file() {
	printf '%s/netns.list' "$RUN_DIR"
}

# Sysctls for every namespace: forwarding on, no reverse-path filter, no
# duplicate address detection delays, no ICMP rate limits (benchmarks
# send 100k+ probes per second and expect every reply), and multipath
# routes hashed over addresses and ports (L4), so that a split client
# network sends each TCP flow one way, different flows different ways.
NETNS_SYSCTLS=(
	net.ipv4.ip_forward=1
	net.ipv4.conf.all.rp_filter=0
	net.ipv4.conf.default.rp_filter=0
	net.ipv4.icmp_ratelimit=0
	net.ipv4.icmp_msgs_per_sec=10000000
	net.ipv4.icmp_msgs_burst=10000000
	net.ipv6.conf.all.forwarding=1
	net.ipv6.conf.default.forwarding=1
	net.ipv6.conf.all.accept_dad=0
	net.ipv6.conf.default.accept_dad=0
	net.ipv6.conf.all.dad_transmits=0
	net.ipv6.conf.default.dad_transmits=0
	net.ipv6.icmp.ratelimit=0
	net.ipv4.fib_multipath_hash_policy=1
	net.ipv6.fib_multipath_hash_policy=1
)

# Create the namespace of every node, recording each in netns.list before
# it exists so that down finds it even if up dies halfway.
netns_create_all() {
	local n ns list
	list=$(netns_list_file)
	for n in "${NODES[@]}"; do
		ns=$PREFIX-$n
		[[ -e /run/netns/$ns ]] && die "namespace $ns already exists: run 'tb --prefix $PREFIX down' first"
	done
	for n in "${NODES[@]}"; do
		ns=$PREFIX-$n
		printf '%s\n' "$ns" >>"$list"
		ip netns add "$ns" || die "cannot create namespace $ns"
		ip netns exec "$ns" sysctl -q -w "${NETNS_SYSCTLS[@]}" >/dev/null ||
		    die "cannot set sysctls in namespace $ns"
	done
}

# Create the veth pair of every link, one end in each namespace, in one
# ip -batch run.
netns_links_create() {
	local k
	for ((k = 1; k <= NLINKS; k++)); do
		printf 'link add to-%s netns %s-%s type veth peer name to-%s netns %s-%s\n' \
		    "${LB[$k]}" "$PREFIX" "${LA[$k]}" "${LA[$k]}" "$PREFIX" "${LB[$k]}"
	done | ip -batch - || die "cannot create the links"
}

# Print the ip -batch commands that configure node $1: loopback, link
# addresses, the anycast addresses of a site, the default route and the
# local client ranges of a client network.
netns_node_batch() {
	local n=$1 k l
	printf 'link set lo up\n'
	for k in ${NODE_LINKS[$n]}; do
		link_view "$n" "$k"
		printf 'addr add %s/31 dev %s\n' "$LV_MY4" "$LV_IF"
		printf 'addr add %s/64 dev %s nodad\n' "$LV_MY6" "$LV_IF"
		printf 'link set %s up\n' "$LV_IF"
	done
	case ${KIND[$n]} in
	site)
		for ((l = 0; l <= LANES; l++)); do
			printf 'addr add %s/32 dev lo\n' "$(lane_addr "$l" 4)"
			printf 'addr add %s/128 dev lo nodad\n' "$(lane_addr "$l" 6)"
		done
		;;
	client)
		netns_client_default_routes "$n"
		printf 'route add local %s dev lo\n' "${CV4[$n]}"
		printf 'route add local %s dev lo\n' "${CV6[$n]}"
		;;
	esac
}

# Print the ip -batch commands of client network $1's default routes: one
# next hop, or for a split network a multipath route over its two uplinks
# weighted as the topology says.
netns_client_default_routes() {
	local n=$1 k w1 w2 fam
	local -a via4=() via6=() dev=()
	for k in ${NODE_LINKS[$n]}; do
		link_view "$n" "$k"
		via4+=("$LV_PEER4") via6+=("$LV_PEER6") dev+=("$LV_IF")
	done
	if [[ -z ${CSPLIT[$n]:-} ]]; then
		printf 'route add default via %s\n' "${via4[0]}"
		printf 'route add default via %s\n' "${via6[0]}"
		return
	fi
	read -r w1 w2 <<<"${CSPLITW[$n]}"
	for fam in 4 6; do
		if [[ $fam == 4 ]]; then
			printf 'route add 0.0.0.0/0 nexthop via %s dev %s weight %d nexthop via %s dev %s weight %d\n' \
			    "${via4[0]}" "${dev[0]}" "$w1" "${via4[1]}" "${dev[1]}" "$w2"
		else
			printf 'route add ::/0 nexthop via %s dev %s weight %d nexthop via %s dev %s weight %d\n' \
			    "${via6[0]}" "${dev[0]}" "$w1" "${via6[1]}" "${dev[1]}" "$w2"
		fi
	done
}

# Make client network $1 drop ICMP echo requests (IPv4 and IPv6) with an
# nftables table in its namespace, as firewalls and CPEs do; TCP to a
# closed port still gets the kernel's RST.
netns_icmp_silence() {
	ip netns exec "$PREFIX-$1" nft -f - <<'EOF' || die "cannot add the ICMP filter in namespace $PREFIX-$1 (is nftables installed?)"
table inet tb_icmp_silent {
	chain input {
		type filter hook input priority 0; policy accept;
		icmp type echo-request drop
		icmpv6 type echo-request drop
	}
}
EOF
}

# Configure every namespace with one ip -batch run each.
netns_configure_all() {
	local n
	for n in "${NODES[@]}"; do
		netns_node_batch "$n" | ip -n "$PREFIX-$n" -batch - ||
		    die "cannot configure namespace $PREFIX-$n"
		[[ ${KIND[$n]} == client && ${CSILENT[$n]:-0} == 1 ]] && netns_icmp_silence "$n"
	done
	return 0
}

# The namespaces of this testbed that exist now: those recorded in
# netns.list plus any named exactly PREFIX-NAME (NAME letters and digits),
# which catches a run folder that was lost. Never anything else.
netns_ours() {
	local ns
	{
		[[ -r $(netns_list_file) ]] && cat "$(netns_list_file)"
		ip netns list 2>/dev/null | awk '{ print $1 }'
	} | sort -u | while read -r ns; do
		[[ $ns =~ ^${PREFIX}-[a-z][a-z0-9]*$ ]] || continue
		[[ -e /run/netns/$ns ]] && printf '%s\n' "$ns"
	done
	return 0
}

# Delete this testbed's namespaces (their veths go with them). Warns
# about processes still inside, which keep a namespace alive; those are
# not ours to end.
netns_remove_all() {
	local ns pids
	for ns in $(netns_ours); do
		[[ $ns == "${PREFIX}-"* ]] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
		[[ -n $pids ]] && warn "processes still in $ns: $pids(end them, the namespace lives on until they do)"
		ip netns del "$ns" || warn "cannot delete namespace $ns"
	done
	rm -f "$(netns_list_file)"
}
