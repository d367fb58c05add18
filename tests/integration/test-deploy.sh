#!/bin/bash
# test-deploy.sh: the site install guide's BIRD fragment (data/bird-tp.conf,
# docs/deploy.md) in a real BIRD 2, driven by tp-bgpctl.
#
#  1. A site configuration as the guide builds it (the fragment included,
#     tp_announce() in the upstream sessions' and the kernel's export
#     filters) passes bird -p.
#  2. BIRD running it in a namespace of this test: tp_announce() selects
#     exactly the two test ranges, and no other route is in the table.
#  3. tp-bgpctl status names the site announcing, both test protocols up,
#     every route inside test_ranges (the guide's last step).
#  4. tp-bgpctl withdraw and announce take the test ranges away and back.
#
# Needs root. Env: TP_BUILD_DIR (default /tmp/build-main, holding tp-bgpctl).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BGPCTL=${TP_BUILD_DIR:-/tmp/build-main}/tp-bgpctl
NS=tpbd$$
WORK=$(mktemp -d /tmp/tp-deploy.XXXXXX)
SOCK=$WORK/bird.ctl
NS_UP=0

# Stop our BIRD (by its pid file), remove the namespace and the work folder.
cleanup() {
	trap - EXIT
	[[ -s $WORK/bird.pid ]] && kill "$(cat "$WORK/bird.pid")" 2>/dev/null
	((NS_UP)) && ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# shellcheck source=checks.sh
. "$HERE/checks.sh"
birdc_() { birdc -s "$SOCK" "$@"; }

((EUID == 0)) || { echo "FAIL deploy: needs root"; exit 1; }
[[ -x $BGPCTL ]] || { echo "FAIL deploy: no $BGPCTL (build first, or set TP_BUILD_DIR)"; exit 1; }

cat >"$WORK/bird.conf" <<CONF
router id 198.51.100.1;
include "$TOP/data/bird-tp.conf";
protocol device {}
protocol kernel { ipv4 { import none; export where !tp_announce(); }; }
protocol kernel { ipv6 { import none; export where !tp_announce(); }; }
protocol bgp upstream4 {
	local as 64500; neighbor 203.0.113.1 as 64501;
	ipv4 { import all; export where tp_announce() || net ~ [ 198.51.100.0/24 ]; };
}
protocol bgp upstream6 {
	local as 64500; neighbor 2001:db8:1::1 as 64501;
	ipv6 { import all; export where tp_announce() || net ~ [ 2001:db8:100::/48 ]; };
}
CONF
cat >"$WORK/tp.conf" <<CONF
[campaign]
min_announcing = 1

[site akl]
bird_socket = $SOCK
CONF

out=$(bird -p -c "$WORK/bird.conf" 2>&1)
check "deploy: the site configuration with data/bird-tp.conf passes bird -p" "$out" test -z "$out"

ip netns add "$NS" && NS_UP=1
ip -n "$NS" link set lo up
if ! out=$(ip netns exec "$NS" bird -c "$WORK/bird.conf" -s "$SOCK" -P "$WORK/bird.pid" 2>&1); then
	fail "deploy: BIRD starts" "$out"
	exit 1
fi
for ((i = 0; i < 50; i++)); do
	birdc_ show status 2>/dev/null | grep -q 'Daemon is up' && break
	sleep 0.1
done
sleep 0.5	# let the static protocols come up

selected=$(birdc_ show route where 'tp_announce()' | awk '$1 ~ /\// { print $1 }' | sort | tr '\n' ' ')
others=$(birdc_ show route where '!tp_announce()' | awk '$1 ~ /\// { print $1 }' | tr '\n' ' ')
check "deploy: tp_announce() selects exactly the test ranges" "selected: $selected; others: $others" \
    test "$selected" = "192.0.2.0/24 2001:db8:ffff::/48 " -a -z "$others"

status=$("$BGPCTL" -c "$WORK/tp.conf" -j status akl 2>&1)
ok=$(jq '.sites[0] | .announcing == true and .routes_in_test_ranges == true
	and ([.protocols[] | select(.state == "up")] | length) == 2' <<<"$status" 2>&1)
check "deploy: tp-bgpctl status: akl announces, both test protocols up, routes inside test_ranges" \
    "$status" test "$ok" = true

out=$("$BGPCTL" -c "$WORK/tp.conf" -q --announcing 2 withdraw akl 2>&1)
gone=$(birdc_ show route where 'tp_announce()' | awk '$1 ~ /\// { print $1 }' | tr '\n' ' ')
"$BGPCTL" -c "$WORK/tp.conf" -q announce akl >>"$WORK/announce.out" 2>&1
back=$(birdc_ show route where 'tp_announce()' | awk '$1 ~ /\// { print $1 }' | sort | tr '\n' ' ')
check "deploy: tp-bgpctl withdraw takes the test ranges away, announce brings them back" \
    "withdraw: $out; left after withdraw: $gone; after announce: $back $(cat "$WORK/announce.out")" \
    test -z "$gone" -a "$back" = "192.0.2.0/24 2001:db8:ffff::/48 "
exit "$FAILED"
