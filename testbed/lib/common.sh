# common.sh: messages, the plan of the running testbed, and the small
# questions every command asks about it (which namespace, which link,
# which address). Sourced by testbed/tb.

declare -a NODES=()
declare -A KIND=() NODE_LINKS=() ASN=() UPSTREAM=() PREPEND=()
declare -A CROUTER=() CV4=() CV6=() CHOSTS6=() CSILENT=() CSPLIT=() CSPLITW=()
declare -a LA=() LB=() LREL=() LLPA=() LLPB=() L4A=() L4B=() L6A=() L6B=()
NLINKS=0
TOPO_NAME=
ANYCAST_AS=
LANES=0

# Print "tb: MESSAGE" on stderr and exit 1.
die() {
	printf 'tb: %s\n' "$*" >&2
	exit 1
}

# Print "tb: MESSAGE" on stderr.
warn() {
	printf 'tb: %s\n' "$*" >&2
}

# Print a progress line on stderr unless --quiet was given.
note() {
	[[ -n ${TB_QUIET:-} ]] || printf 'tb: %s\n' "$*" >&2
}

# Check a prefix: letters and digits only, so that "P-" can never be the
# start of another testbed's namespace names.
prefix_check() {
	[[ $1 =~ ^[A-Za-z][A-Za-z0-9]{0,15}$ ]] ||
	    die "bad prefix '$1': use a letter then up to 15 letters or digits (no dashes)"
}

# The path of the plan file in the run folder.
plan_file() {
	printf '%s/plan.sh' "$RUN_DIR"
}

# Load the plan of the testbed that is up; fail with advice if there is none.
plan_load() {
	local f
	f=$(plan_file)
	[[ -r $f ]] || die "no testbed '$PREFIX' here (no $f): run 'tb --prefix $PREFIX up TOPOLOGY' first"
	# shellcheck source=/dev/null
	source "$f"
}

# The namespace of node $1.
ns_of() {
	printf '%s-%s' "$PREFIX" "$1"
}

# The node at the other end of link $2 from node $1.
link_peer() {
	if [[ ${LA[$2]} == "$1" ]]; then
		printf '%s' "${LB[$2]}"
	else
		printf '%s' "${LA[$2]}"
	fi
}

# The interface name of link $2 inside node $1: "to-PEER".
link_ifname() {
	printf 'to-%s' "$(link_peer "$1" "$2")"
}

# The address of node $1 on link $2 in family $3 (4 or 6).
link_addr() {
	local side=B
	[[ ${LA[$2]} == "$1" ]] && side=A
	local var="L${3}${side}[$2]"
	printf '%s' "${!var}"
}

# Describe link $2 as seen from node $1, without a subshell: sets
# LV_PEER, LV_IF (our interface), LV_MY4, LV_MY6 (our addresses),
# LV_PEER4, LV_PEER6 (the peer's), LV_ROLE (see link_role), LV_LP (our
# local preference for routes learned over it).
link_view() {
	local n=$1 k=$2
	if [[ ${LA[$k]} == "$n" ]]; then
		LV_PEER=${LB[$k]} LV_MY4=${L4A[$k]} LV_MY6=${L6A[$k]}
		LV_PEER4=${L4B[$k]} LV_PEER6=${L6B[$k]} LV_LP=${LLPA[$k]}
		LV_ROLE=${LREL[$k]}
	else
		LV_PEER=${LA[$k]} LV_MY4=${L4B[$k]} LV_MY6=${L6B[$k]}
		LV_PEER4=${L4A[$k]} LV_PEER6=${L6A[$k]} LV_LP=${LLPB[$k]}
		case ${LREL[$k]} in
		customer) LV_ROLE=provider ;;
		provider) LV_ROLE=customer ;;
		site) LV_ROLE=upstream ;;
		client) LV_ROLE=router ;;
		*) LV_ROLE=${LREL[$k]} ;;
		esac
	fi
	LV_IF=to-$LV_PEER
}

# The first link of node $1 (a site's uplink, a client's link).
node_first_link() {
	local l
	read -r l _ <<<"${NODE_LINKS[$1]}"
	printf '%s' "$l"
}

# The nodes of kind $1, in plan order, one per line.
nodes_of_kind() {
	local n
	for n in "${NODES[@]}"; do
		[[ ${KIND[$n]} == "$1" ]] && printf '%s\n' "$n"
	done
	return 0
}

# The BIRD control socket of node $1.
bird_socket() {
	printf '%s/%s.ctl' "$RUN_DIR" "$1"
}

# 1 when node $1 exists in the plan (exit status).
node_known() {
	[[ -n $1 && -n ${KIND[$1]+x} ]]
}

# Lanes: lane 0 is the whole anycast test range (192.0.2.0/24 and
# 2001:db8:ffff::/48, protocols tp_anycast4/6, address .1 and ::1); lane
# K (1 to LANES) is the more specific 192.0.2.16K/28 and
# 2001:db8:ffff:K::/64 (hex K), protocols tp_laneK_4/6, address .16K+1
# and 2001:db8:ffff:K::1. Lane 0's address lies outside every lane
# prefix, so withdrawing one lane never moves another.

# Print the prefix of lane $1 in family $2.
lane_net() {
	if (($1 == 0)); then
		[[ $2 == 4 ]] && printf '192.0.2.0/24' || printf '2001:db8:ffff::/48'
	elif [[ $2 == 4 ]]; then
		printf '192.0.2.%d/28' $((16 * $1))
	else
		printf '2001:db8:ffff:%x::/64' "$1"
	fi
}

# Print the anycast address of lane $1 in family $2.
lane_addr() {
	if (($1 == 0)); then
		[[ $2 == 4 ]] && printf '192.0.2.1' || printf '2001:db8:ffff::1'
	elif [[ $2 == 4 ]]; then
		printf '192.0.2.%d' $((16 * $1 + 1))
	else
		printf '2001:db8:ffff:%x::1' "$1"
	fi
}

# Print the name of the static protocol that originates lane $1, family $2.
lane_protocol() {
	if (($1 == 0)); then printf 'tp_anycast%s' "$2"; else printf 'tp_lane%d_%s' "$1" "$2"; fi
}
