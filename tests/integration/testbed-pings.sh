# testbed-pings.sh: where echo replies land on a testbed, by the echo-reply
# counters of the site namespaces. Sourced by the testbed tests, which
# define tb (their testbed's tb), SITES (the site names) and PROBER (the
# site that pings).

# Print the echo replies received so far in the namespace of site $1,
# family $2.
echo_replies() {
	if [[ $2 == 4 ]]; then
		tb exec "$1" cat /proc/net/snmp | awk '
			$1 == "Icmp:" && !h { for (i = 1; i <= NF; i++) col[$i] = i; h = 1; next }
			$1 == "Icmp:" { print $(col["InEchoReps"]) }'
	else
		tb exec "$1" cat /proc/net/snmp6 | awk '$1 == "Icmp6InEchoReplies" { print $2 }'
	fi
}

# Ping client address $3 (family $1) from the prober site with source $2
# and print the sites where replies landed (space separated).
landing_sites_from() {
	local fam=$1 src=$2 dst=$3 s
	local -A before=()
	for s in $SITES; do before[$s]=$(echo_replies "$s" "$fam"); done
	tb exec "$PROBER" ping -"$fam" -n -q -c 2 -i 0.2 -W 0.3 -I "$src" "$dst" >/dev/null 2>&1 || true
	sleep 0.2
	for s in $SITES; do
		(($(echo_replies "$s" "$fam") > before[$s])) && printf '%s ' "$s"
	done
	return 0
}
