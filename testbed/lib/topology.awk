# topology.awk: read a testbed topology file (format in testbed/README.md),
# check it, and print the plan as bash assignments that testbed/tb sources.
# Run as: awk -v src=FILE -f topology.awk FILE
#
# Every name and value is checked against a strict pattern before it is
# printed, so the output is safe to source. Errors go to stderr as
# "FILE:LINE: reason" and the exit status is 1.

# Report an error at the current line and remember that the file is bad.
function fail(msg) {
	printf("%s:%d: %s\n", src, FNR, msg) > "/dev/stderr"
	bad = 1
}

# Report an error that belongs to no single line.
function fail_file(msg) {
	printf("%s: %s\n", src, msg) > "/dev/stderr"
	bad = 1
}

# 1 when s is a node name: a lower-case letter, then up to 11 letters or
# digits (so that "to-NAME" fits the 15-character interface name limit).
function name_ok(s) {
	return s ~ /^[a-z][a-z0-9]*$/ && length(s) <= 12
}

# 1 when s is a decimal number without sign or leading zeros.
function number_ok(s) {
	return s ~ /^(0|[1-9][0-9]*)$/ && length(s) <= 10
}

# Declare node n of kind k, unless the name is bad or taken.
function add_node(n, k) {
	if (!name_ok(n)) {
		fail("bad node name '" n "': use a lower-case letter then up to 11 letters or digits")
		return 0
	}
	if (n in kind) {
		fail("node '" n "' is declared twice (first on line " line_of[n] ")")
		return 0
	}
	kind[n] = k
	line_of[n] = FNR
	order[++nnodes] = n
	return 1
}

# The IPv4 prefix s ("a.b.c.d/len") as a number in v4net and a length in
# v4len; 0 when it is not a well-formed prefix with its host bits clear.
function parse4(s,    p, o, i, v) {
	if (s !~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\/[0-9]+$/)
		return 0
	split(s, p, "/")
	split(p[1], o, ".")
	v = 0
	for (i = 1; i <= 4; i++) {
		if (o[i] + 0 > 255 || length(o[i]) > 3)
			return 0
		v = v * 256 + o[i]
	}
	if (p[2] + 0 > 32)
		return 0
	v4net = v
	v4len = p[2] + 0
	return v % (2 ^ (32 - v4len)) == 0
}

# The IPv6 prefix s as eight 16-bit numbers in v6g[1..8] and a length in
# v6len; 0 when it is not a well-formed prefix with its host bits clear.
function parse6(s,    p, halves, left, right, nl, nr, i, g, bits) {
	if (s !~ /^[0-9a-fA-F:]+\/[0-9]+$/)
		return 0
	split(s, p, "/")
	if (p[2] + 0 > 128)
		return 0
	v6len = p[2] + 0
	if (gsub(/::/, "::", p[1]) > 1)
		return 0
	if (index(p[1], "::")) {
		split(p[1], halves, "::")
		nl = halves[1] == "" ? 0 : split(halves[1], left, ":")
		nr = halves[2] == "" ? 0 : split(halves[2], right, ":")
		if (nl + nr > 7)
			return 0
		for (i = 1; i <= 8; i++)
			g[i] = "0"
		for (i = 1; i <= nl; i++)
			g[i] = left[i]
		for (i = 1; i <= nr; i++)
			g[8 - nr + i] = right[i]
	} else if (split(p[1], g, ":") != 8)
		return 0
	for (i = 1; i <= 8; i++) {
		if (g[i] !~ /^[0-9a-fA-F]+$/ || length(g[i]) > 4)
			return 0
		v6g[i] = hex(g[i])
	}
	for (i = 1; i <= 8; i++) {
		bits = v6len - 16 * (i - 1)
		if (bits >= 16)
			continue
		if (bits <= 0) {
			if (v6g[i] != 0)
				return 0
		} else if (v6g[i] % (2 ^ (16 - bits)) != 0)
			return 0
	}
	return 1
}

# The value of the hexadecimal string h.
function hex(h,    i, v) {
	v = 0
	h = tolower(h)
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return v
}

# 1 when the IPv6 prefixes a and b (as "g1 g2 ... g8/len") overlap.
function overlap6(a, b,    pa, pb, ga, gb, m, i, bits) {
	split(a, pa, "/")
	split(b, pb, "/")
	split(pa[1], ga, " ")
	split(pb[1], gb, " ")
	m = pa[2] + 0 < pb[2] + 0 ? pa[2] + 0 : pb[2] + 0
	for (i = 1; i <= 8 && m > 0; i++) {
		bits = m >= 16 ? 16 : m
		if (int(ga[i] / 2 ^ (16 - bits)) != int(gb[i] / 2 ^ (16 - bits)))
			return 0
		m -= 16
	}
	return 1
}

# The IPv4 address number v in dotted form.
function dotted(v) {
	return sprintf("%d.%d.%d.%d", int(v / 16777216) % 256,
	    int(v / 65536) % 256, int(v / 256) % 256, v % 256)
}

# Add link number nlinks between a and b; rel is what b is to a.
function add_link(a, b, rel, lpa, lpb) {
	nlinks++
	link_a[nlinks] = a
	link_b[nlinks] = b
	link_rel[nlinks] = rel
	link_lpa[nlinks] = lpa
	link_lpb[nlinks] = lpb
	links_of[a] = links_of[a] " " nlinks
	links_of[b] = links_of[b] " " nlinks
}

# The relationship seen from the other end of a link.
function inverse(rel) {
	if (rel == "customer")
		return "provider"
	if (rel == "provider")
		return "customer"
	return rel
}

# The default local preference for routes learned from a neighbour that
# is rel to us.
function default_lp(rel) {
	if (rel == "customer")
		return 300
	if (rel == "peer")
		return 200
	return 100
}

# Make icmp-silent the share silent_share (percent; the variable share, from
# tb up --icmp-silent-share, wins over the topology's statement) of the
# client networks, spread evenly over them in file order: network i is
# chosen when floor(i * p / 100) steps up, so exactly floor(N * p / 100)
# are chosen and always the same ones.
function mark_silent_share(    p, i, k, n) {
	p = share != "" ? share + 0 : silent_share
	if (p == "")
		return
	k = 0
	for (i = 1; i <= nnodes; i++) {
		n = order[i]
		if (kind[n] != "client")
			continue
		k++
		if (int(k * p / 100) > int((k - 1) * p / 100))
			csilent[n] = 1
	}
}

BEGIN {
	anycast_as = 64999
	lanes = 3
	silent_share = ""
	nnodes = 0
	nrlinks = 0
	bad = 0
}

{
	sub(/#.*/, "")
}

NF == 0 {
	next
}

$1 == "name" {
	if (NF != 2 || $2 !~ /^[A-Za-z0-9_.-]+$/)
		fail("usage: name WORD")
	else
		topo_name = $2
	next
}

$1 == "anycast-as" {
	if (NF != 2 || !number_ok($2) || $2 + 0 < 1 || $2 + 0 > 4294967294)
		fail("usage: anycast-as NUMBER (1 to 4294967294)")
	else
		anycast_as = $2 + 0
	next
}

$1 == "lanes" {
	if (NF != 2 || !number_ok($2) || $2 + 0 > 15)
		fail("usage: lanes NUMBER (0 to 15)")
	else
		lanes = $2 + 0
	next
}

$1 == "icmp-silent-share" {
	if (NF != 2 || !number_ok($2) || $2 + 0 > 100)
		fail("usage: icmp-silent-share PERCENT (0 to 100)")
	else if (silent_share == "")
		silent_share = $2 + 0
	next
}

$1 == "router" {
	if (NF != 4 || $3 != "as" || !number_ok($4) || $4 + 0 < 1 ||
	    $4 + 0 > 4294967294) {
		fail("usage: router NAME as NUMBER")
		next
	}
	if (add_node($2, "router"))
		asn[$2] = $4 + 0
	next
}

$1 == "site" {
	if (NF < 4 || $3 != "upstream") {
		fail("usage: site NAME upstream ROUTER [prepend N] [localpref N]")
		next
	}
	if (!add_node($2, "site"))
		next
	upstream[$2] = $4
	prepend[$2] = 0
	site_lp[$2] = ""
	for (i = 5; i <= NF; i += 2) {
		if ($i == "prepend" && number_ok($(i + 1)) && $(i + 1) + 0 <= 16)
			prepend[$2] = $(i + 1) + 0
		else if ($i == "localpref" && number_ok($(i + 1)))
			site_lp[$2] = $(i + 1) + 0
		else
			fail("site " $2 ": bad option '" $i " " $(i + 1) "': use prepend 0..16 or localpref N")
	}
	next
}

$1 == "link" {
	if (NF < 3) {
		fail("usage: link ROUTER ROUTER [customer|peer|provider] [localpref-a N] [localpref-b N]")
		next
	}
	nrlinks++
	rl_a[nrlinks] = $2
	rl_b[nrlinks] = $3
	rl_rel[nrlinks] = "plain"
	rl_lpa[nrlinks] = ""
	rl_lpb[nrlinks] = ""
	rl_line[nrlinks] = FNR
	for (i = 4; i <= NF; i++) {
		if ($i == "customer" || $i == "peer" || $i == "provider")
			rl_rel[nrlinks] = $i
		else if ($i == "localpref-a" && number_ok($(i + 1)))
			rl_lpa[nrlinks] = $(++i) + 0
		else if ($i == "localpref-b" && number_ok($(i + 1)))
			rl_lpb[nrlinks] = $(++i) + 0
		else
			fail("link " $2 " " $3 ": bad option '" $i "'")
	}
	if ($2 == $3)
		fail("link " $2 " " $3 ": a router cannot link to itself")
	pair = $2 < $3 ? $2 " " $3 : $3 " " $2
	if (pair in seen_pair)
		fail("link " $2 " " $3 ": duplicate of line " seen_pair[pair])
	seen_pair[pair] = FNR
	next
}

$1 == "client" {
	if (NF < 8 || $3 != "router" || $5 != "ipv4" || $7 != "ipv6") {
		fail("usage: client NAME router ROUTER ipv4 PREFIX ipv6 PREFIX [hosts6 N] [icmp-silent] [split ROUTER [weights A B]]")
		next
	}
	if (!add_node($2, "client"))
		next
	crouter[$2] = $4
	if (!parse4($6) || v4len < 15 || v4net < 198 * 16777216 + 18 * 65536 ||
	    v4net >= 198 * 16777216 + 19 * 65536 + 32768)
		fail("client " $2 ": ipv4 " $6 " is not a prefix inside 198.18.0.0/15 below 198.19.128.0 (that part holds the links)")
	else {
		cv4[$2] = $6
		cv4_lo[$2] = v4net
		cv4_n[$2] = 2 ^ (32 - v4len)
	}
	if (!parse6($8) || v6len < 32 || v6len > 64 || v6g[1] != 8193 ||
	    v6g[2] != 3512 || v6g[3] >= 65534)
		fail("client " $2 ": ipv6 " $8 " is not a prefix of length 32 to 64 inside 2001:db8::/32 outside 2001:db8:fffe::/47 (links and anycast)")
	else {
		cv6[$2] = $8
		cv6_key[$2] = v6g[1] " " v6g[2] " " v6g[3] " " v6g[4] " " \
		    v6g[5] " " v6g[6] " " v6g[7] " " v6g[8] "/" v6len
		cv6_room[$2] = 256 * 2 ^ (64 - v6len)
	}
	chosts6[$2] = ""
	csilent[$2] = 0
	csplit[$2] = ""
	csplitw[$2] = "1 1"
	for (i = 9; i <= NF; i++) {
		if ($i == "hosts6" && number_ok($(i + 1)) && $(i + 1) + 0 >= 1)
			chosts6[$2] = $(++i) + 0
		else if ($i == "icmp-silent")
			csilent[$2] = 1
		else if ($i == "split" && i + 1 <= NF && csplit[$2] == "")
			csplit[$2] = $(++i)
		else if ($i == "weights" && csplit[$2] != "" && number_ok($(i + 1)) &&
		    number_ok($(i + 2)) && $(i + 1) + 0 >= 1 && $(i + 1) + 0 <= 255 &&
		    $(i + 2) + 0 >= 1 && $(i + 2) + 0 <= 255) {
			csplitw[$2] = ($(i + 1) + 0) " " ($(i + 2) + 0)
			i += 2
		} else {
			fail("client " $2 ": bad option '" $i "': use hosts6 N, icmp-silent, split ROUTER, weights A B (1 to 255, after split)")
			break
		}
	}
	next
}

{
	fail("unknown statement '" $1 "': use name, anycast-as, lanes, icmp-silent-share, router, site, link or client")
}

END {
	if (NR == 0)
		fail_file("empty topology")
	nsites = nrouters = nclients = 0
	for (i = 1; i <= nnodes; i++) {
		n = order[i]
		if (kind[n] == "router") {
			nrouters++
			if (asn[n] == anycast_as)
				fail_file("router " n ": as " asn[n] " is the anycast AS of the sites")
		} else if (kind[n] == "site") {
			nsites++
			if (kind[upstream[n]] != "router")
				fail_file("site " n ": upstream '" upstream[n] "' is not a router")
		} else {
			nclients++
			if (kind[crouter[n]] != "router")
				fail_file("client " n ": router '" crouter[n] "' is not a router")
			if (csplit[n] != "" && (kind[csplit[n]] != "router" || csplit[n] == crouter[n]))
				fail_file("client " n ": split '" csplit[n] "' is not a second router")
		}
	}
	if (nsites == 0 || nrouters == 0)
		fail_file("a topology needs at least one site and one router")
	for (i = 1; i <= nrlinks; i++) {
		if (kind[rl_a[i]] != "router" || kind[rl_b[i]] != "router") {
			printf("%s:%d: link %s %s: both ends must be routers\n",
			    src, rl_line[i], rl_a[i], rl_b[i]) > "/dev/stderr"
			bad = 1
		}
	}
	# No two client ranges may overlap.
	for (i = 1; i <= nnodes; i++) {
		a = order[i]
		if (kind[a] != "client" || !(a in cv4) || !(a in cv6))
			continue
		if (chosts6[a] == "")
			chosts6[a] = cv4_n[a] > 65536 ? 65536 : cv4_n[a]
		if (chosts6[a] > cv6_room[a])
			fail_file("client " a ": hosts6 " chosts6[a] " does not fit in " cv6[a])
		for (j = i + 1; j <= nnodes; j++) {
			b = order[j]
			if (kind[b] != "client" || !(b in cv4) || !(b in cv6))
				continue
			if (cv4_lo[a] < cv4_lo[b] + cv4_n[b] && cv4_lo[b] < cv4_lo[a] + cv4_n[a])
				fail_file("clients " a " and " b ": ipv4 ranges overlap")
			if (overlap6(cv6_key[a], cv6_key[b]))
				fail_file("clients " a " and " b ": ipv6 ranges overlap")
		}
	}
	if (bad)
		exit 1

	# Links: router-router in file order, then sites, then clients.
	nlinks = 0
	for (i = 1; i <= nrlinks; i++) {
		lpa = rl_lpa[i] != "" ? rl_lpa[i] : default_lp(rl_rel[i])
		lpb = rl_lpb[i] != "" ? rl_lpb[i] : default_lp(inverse(rl_rel[i]))
		add_link(rl_a[i], rl_b[i], rl_rel[i], lpa, lpb)
	}
	for (i = 1; i <= nnodes; i++) {
		n = order[i]
		if (kind[n] == "site")
			add_link(upstream[n], n, "site",
			    site_lp[n] != "" ? site_lp[n] : default_lp("customer"), 100)
	}
	for (i = 1; i <= nnodes; i++) {
		n = order[i]
		if (kind[n] == "client")
			add_link(crouter[n], n, "client", 0, 0)
	}
	# Second uplinks of split client networks come last, so that adding a
	# split moves no other link's addresses.
	for (i = 1; i <= nnodes; i++) {
		n = order[i]
		if (kind[n] == "client" && csplit[n] != "")
			add_link(csplit[n], n, "client", 0, 0)
	}
	mark_silent_share()
	if (nlinks > 16384) {
		fail_file("more than 16384 links")
		exit 1
	}

	if (topo_name == "") {
		topo_name = src
		sub(/.*\//, "", topo_name)
		sub(/\.topo$/, "", topo_name)
	}
	print "# plan made by testbed/lib/topology.awk; do not edit"
	printf("TOPO_NAME='%s'\n", topo_name)
	printf("ANYCAST_AS=%d\n", anycast_as)
	printf("LANES=%d\n", lanes)
	printf("NODES=(")
	for (i = 1; i <= nnodes; i++)
		printf("%s%s", i > 1 ? " " : "", order[i])
	print ")"
	for (i = 1; i <= nnodes; i++) {
		n = order[i]
		printf("KIND[%s]=%s\n", n, kind[n])
		printf("NODE_LINKS[%s]='%s'\n", n, substr(links_of[n], 2))
		if (kind[n] == "router")
			printf("ASN[%s]=%d\n", n, asn[n])
		else if (kind[n] == "site")
			printf("UPSTREAM[%s]=%s\nPREPEND[%s]=%d\n",
			    n, upstream[n], n, prepend[n])
		else
		{
			printf("CROUTER[%s]=%s\nCV4[%s]=%s\nCV6[%s]=%s\nCHOSTS6[%s]=%d\n",
			    n, crouter[n], n, cv4[n], n, cv6[n], n, chosts6[n])
			printf("CSILENT[%s]=%d\nCSPLIT[%s]=%s\nCSPLITW[%s]='%s'\n",
			    n, csilent[n], n, csplit[n], n, csplitw[n])
		}
	}
	printf("NLINKS=%d\n", nlinks)
	for (k = 1; k <= nlinks; k++) {
		base = 198 * 16777216 + 19 * 65536 + 32768 + 2 * (k - 1)
		printf("LA[%d]=%s LB[%d]=%s LREL[%d]=%s LLPA[%d]=%d LLPB[%d]=%d\n",
		    k, link_a[k], k, link_b[k], k, link_rel[k], k, link_lpa[k],
		    k, link_lpb[k])
		printf("L4A[%d]=%s L4B[%d]=%s L6A[%d]=2001:db8:fffe:%x::1 L6B[%d]=2001:db8:fffe:%x::2\n",
		    k, dotted(base), k, dotted(base + 1), k, k, k, k)
	}
}
