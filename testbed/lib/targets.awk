# targets.awk: print the client addresses of a testbed, one per line.
# Input lines: "FAMILY NAME PREFIX COUNT SITE" (FAMILY 4 or 6, SITE "-"
# when unknown); the variable per (0 = all) picks that many addresses per
# network, spread evenly. The variable form chooses the line format:
#   plain   ADDR
#   client  ADDR NAME               (the client network it belongs to)
#   seen    ADDR,SITE,WEIGHT        (tp-analyze's CSV target form: the
#                                   site truth names, a weight of 1 to 5)
#
# IPv4: every address of the range. IPv6: COUNT addresses, the j-th being
# subnet (j / 256) of the range with interface id (j % 256) + 1, so that
# targets cover many /64s as real client addresses do.

# The value of the hexadecimal string h.
function hex(h,    i, v) {
	v = 0
	h = tolower(h)
	for (i = 1; i <= length(h); i++)
		v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
	return v
}

# Split the IPv6 address a into g[1..8] as numbers.
function groups6(a, g,    halves, left, right, nl, nr, i, t) {
	for (i = 1; i <= 8; i++)
		g[i] = 0
	if (index(a, "::")) {
		split(a, halves, "::")
		nl = halves[1] == "" ? 0 : split(halves[1], left, ":")
		nr = halves[2] == "" ? 0 : split(halves[2], right, ":")
		for (i = 1; i <= nl; i++)
			g[i] = hex(left[i])
		for (i = 1; i <= nr; i++)
			g[8 - nr + i] = hex(right[i])
	} else {
		split(a, t, ":")
		for (i = 1; i <= 8; i++)
			g[i] = hex(t[i])
	}
}

# g[1..8] in RFC 5952 text form (longest run of two or more zero groups
# shortened to "::").
function text6(g,    i, best, bestlen, run, start, s) {
	best = 0
	bestlen = 1
	run = 0
	for (i = 1; i <= 8; i++) {
		if (g[i] == 0) {
			if (run == 0)
				start = i
			run++
			if (run > bestlen) {
				best = start
				bestlen = run
			}
		} else
			run = 0
	}
	s = ""
	for (i = 1; i <= 8; i++) {
		if (best && i == best) {
			s = s "::"
			i += bestlen - 1
			continue
		}
		if (s != "" && substr(s, length(s) - 1) != "::")
			s = s ":"
		s = s sprintf("%x", g[i])
	}
	return s
}

# The dotted form of the IPv4 address number v.
function dotted(v) {
	return sprintf("%d.%d.%d.%d", int(v / 16777216) % 256,
	    int(v / 65536) % 256, int(v / 256) % 256, v % 256)
}

# Print address a (index j in its network) in the chosen form.
function emit(a, j) {
	if (form == "client")
		print a, $2
	else if (form == "seen")
		printf("%s,%s,%d\n", a, $5 == "-" ? "" : $5, j % 5 + 1)
	else
		print a
}

# The index of the i-th of n picks spread over count addresses.
function pick(i, n, count) {
	return n >= count ? i : int(i * count / n)
}

{
	count = $4 + 0
	n = (per > 0 && per < count) ? per : count
	if ($1 == "4") {
		split($3, p, "/")
		split(p[1], o, ".")
		base = ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4]
		for (i = 0; i < n; i++) {
			j = pick(i, n, count)
			emit(dotted(base + j), j)
		}
	} else {
		split($3, p, "/")
		groups6(p[1], g)
		g4 = g[4]
		for (i = 0; i < n; i++) {
			j = pick(i, n, count)
			g[4] = g4 + int(j / 256)
			g[8] = j % 256 + 1
			emit(text6(g), j)
		}
	}
}
