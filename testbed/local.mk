# testbed: bash + iproute2 + BIRD 2, run from the source tree (testbed/tb),
# and the topologies it builds. Shipped in the tarball, not installed.
EXTRA_DIST += testbed/tb testbed/README.md testbed/setup-campaign \
	testbed/lib/common.sh testbed/lib/netns.sh testbed/lib/bird.sh \
	testbed/lib/truth.sh testbed/lib/report.sh testbed/lib/topology.awk \
	testbed/lib/targets.awk testbed/lib/slow.sh testbed/lib/ssh.sh \
	data/topologies/tiny.topo data/topologies/regional.topo \
	data/topologies/hiding.topo data/topologies/flows.topo

# The slow-convergence mode's BGP delay (tb up --slow), built with the rest.
noinst_PROGRAMS += tb-bgp-delay
tb_bgp_delay_SOURCES = testbed/bgp_delay.c
