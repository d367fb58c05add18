#!/bin/bash
# test-html.sh: the HTML report of a real campaign, opened in a real browser.
#
#  1. A campaign on the tiny testbed (every single site, chains of depth 1)
#     with report_html set writes the page by itself, atomically (no
#     temporary file is left beside it).
#  2. Headless Chromium opens it from file:// and takes a screenshot that
#     is not blank (tests/integration/png-check counts its colours).
#  3. Chromium's DOM holds every site, and every weighted share of
#     `tp-analyze matrix -j` in the cell for its row and destination, with
#     the exact share in the cell's title and the rounded one as its text;
#     every predicted set of the failover trees with the calibrated
#     confidence (or "no validations") and determined share that
#     `tp-analyze predict -j` gives it.
#  4. The page refers to no http(s) URL anywhere: nothing to fetch (src,
#     href, url(), @import), and no namespace name either.
#  5. `tp-analyze graph` gives DOT with a node per site, and `--format svg`
#     the same graph laid out.
#     No two labels of the graph overlap (boxes estimated from each SVG
#     text's position, font size and length).
#  6. A page that cannot be written: one error line naming the file, exit 1,
#     and the page already there is left as it was.
#
# Needs root. Env: TB, TP_BUILD_DIR (default /tmp/build-main).
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUILD=${TP_BUILD_DIR:-/tmp/build-main}
testbed_init tpbw$$ /tmp/tphtml.XXXXXX

analyze() { "$BUILD/tp-analyze" -q -c "$CONF" "$@"; }
# Headless Chromium on a file, in its own profile; as root it needs --no-sandbox.
browser() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	    --user-data-dir="$WORK/chromium" --window-size=1280,2400 "$@" 2>>"$WORK/chromium.log"
}

need_root html
command -v chromium >/dev/null || { fail "html" "no chromium (scripts/install-deps)"; exit 1; }
make -C "$BUILD" -s tests/integration/png-check >/dev/null ||
    { fail "html" "cannot build tests/integration/png-check"; exit 1; }

mkdir -p "$WORK/www"
PAGE=$WORK/www/report.html
out=$(tb up tiny 2>&1) || { fail "html testbed up" "$out"; exit 1; }
CONF=$("$HERE/../../testbed/setup-campaign" "$BUILD" --per-network 16 --capacity 120 \
    rate=20000 settle=1 sample_interval=1 sample_size=40 converge_timeout=10 deadman=60 \
    listen_grace=1 min_announcing=1 chains=1 control_share=0.25 report_html="$PAGE")

# 1. The campaign writes the page.
rc=0
"$BUILD/tp-campaign" -c "$CONF" -v run >"$WORK/campaign.out" 2>&1 || rc=$?
if ((rc != 0)); then
	fail "html campaign run" "exit $rc: $(tail -5 "$WORK/campaign.out")"
	exit 1
fi
if [[ -s $PAGE ]] && [[ $(ls -A "$WORK/www") == report.html ]]; then
	pass "html campaign writes report_html ($(wc -c <"$PAGE") bytes, nothing else beside it)"
else
	fail "html campaign writes report_html" "$(ls -A "$WORK/www")"
fi
grep -q "report written to $PAGE" "$WORK/campaign.out" && pass "html campaign says where" ||
    fail "html campaign says where" "$(tail -3 "$WORK/campaign.out")"

# 2. A screenshot that shows something.
browser --screenshot="$WORK/shot.png" "file://$PAGE" >/dev/null || true
if [[ -s $WORK/shot.png ]]; then
	read -r size colours nonwhite < <("$BUILD/tests/integration/png-check" "$WORK/shot.png")
	colours=${colours#colours=}
	nonwhite=${nonwhite#nonwhite=}
	if ((colours >= 16)) && awk -v p="$nonwhite" 'BEGIN { exit !(p >= 2) }'; then
		pass "html screenshot $size is not blank ($colours colours, $nonwhite% not white)"
	else
		fail "html screenshot is not blank" "$size, $colours colours, $nonwhite% not white"
	fi
else
	fail "html screenshot" "chromium wrote none: $(tail -3 "$WORK/chromium.log")"
fi

# 3. The DOM as Chromium built it holds every site and every share.
browser --dump-dom "file://$PAGE" >"$WORK/dom.html" || true
analyze -j matrix >"$WORK/matrix.json"
missing=
for site in $(sqlite3 "$(awk -F' = ' '$1 == "database" { print $2 }' "$CONF")" \
    "SELECT name FROM sites"); do
	grep -q -F -- "$site" "$WORK/dom.html" || missing+=" $site"
done
[[ -z $missing ]] && pass "html DOM names every site" || fail "html DOM names every site" "$missing"
grep -q -F "192.0.2.0/24" "$WORK/dom.html" && pass "html header names the test ranges" ||
    fail "html header names the test ranges" "no 192.0.2.0/24"
# One line per share: set, from, to, targets, share, weighted share.
jq -r '.scenarios[] | (.withdrawn | join("+")) as $set | .from as $from |
	((.to | to_entries[] | [.key, .value]), ["lost", .lost]) |
	select(.[1].weighted_share != null) |
	[$set, $from, .[0], .[1].targets, .[1].share, .[1].weighted_share] | @tsv' \
    "$WORK/matrix.json" >"$WORK/shares"
nshares=$(wc -l <"$WORK/shares")
bad=$(while IFS=$'\t' read -r set from to n share wshare; do
	needle=$(awk -v s="$set" -v f="$from" -v t="$to" -v n="$n" -v c="$share" -v w="$wshare" \
	    'BEGIN { printf "%s withdrawn, from %s to %s: weighted share %.6f, %d targets (share %.6f)\">%.1f%%</td>",
	    s, f, t, w, n, c, w * 100 }')
	grep -q -F -- "$needle" "$WORK/dom.html" || echo "$needle"
done <"$WORK/shares" | head -3)
if ((nshares > 0)) && [[ -z $bad ]]; then
	pass "html DOM shows all $nshares shares of matrix -j, rounded as shown"
else
	fail "html DOM shows every share of matrix -j" "${bad:-matrix -j has no shares}"
fi

# 3b. Every predicted set of the failover trees states what `predict -j` says of
# it: the calibrated confidence and its interval, or that there are no
# validations, and the determined share, exact in the title.
six() { perl -pe 's/(\d+(?:\.\d+)?(?:e-?\d+)?)/sprintf("%.6f", $1)/ge'; }
bad=$(grep -o 'class="pred" title="[^"]*"' "$WORK/dom.html" | sed 's/.*title="//; s/"$//' |
    while read -r set rest; do
	want=$(analyze -j predict --withdrawn "$set" 2>/dev/null | jq -r '
		.scenarios[-1] as $r |
		if $r.confidence == null then
			"predicted: no validations, determined \($r.determined_share)"
		else
			"predicted: confidence \($r.confidence) (\($r.confidence_low) to \($r.confidence_high)), determined \($r.determined_share), \(.validations) validations"
		end')
	[[ $(six <<<"$rest") == "$(six <<<"$want")" ]] || echo "$set: page '$rest', predict '$want'"
    done | head -3)
npred=$(grep -o 'class="pred" title=' "$WORK/dom.html" | wc -l)
if ((npred > 0)) && [[ -z $bad ]]; then
	pass "html DOM states each of its $npred predicted sets as predict -j does"
else
	fail "html DOM states each predicted set as predict -j does" "${bad:-no predicted set in the trees}"
fi

# 4. No URL: nothing the browser could fetch, and no http(s) at all.
fetch=$(grep -o -i -E "(src|href|action|poster|srcset|data)[[:space:]]*=[[:space:]]*[\"']?[[:space:]]*https?:|url\\([[:space:]]*[\"']?[[:space:]]*https?:|@import" \
    "$PAGE" "$WORK/dom.html" | head -3 || true)
[[ -z $fetch ]] && pass "html refers to nothing to fetch" || fail "html refers to nothing to fetch" "$fetch"
urls=$(grep -o -i -E "https?://[^\"' )>]*" "$PAGE" "$WORK/dom.html" | sort -u | head -3 || true)
[[ -z $urls ]] && pass "html names no http(s) URL at all" || fail "html names no http(s) URL" "$urls"

# 5. The graph for Graphviz users.
analyze graph >"$WORK/graph.dot"
analyze graph --format svg >"$WORK/graph.svg"
missing=
for site in $(jq -r '.catchments[].site' <(analyze -j report)); do
	grep -q -E "^[[:space:]]*\"?$site\"?[[:space:]]+\[" "$WORK/graph.dot" || missing+=" $site"
	grep -q -F "<title>$site</title>" "$WORK/graph.svg" || missing+=" svg:$site"
done
if [[ -z $missing ]] && grep -q "^digraph failover {" "$WORK/graph.dot" && grep -q "<svg" "$WORK/graph.svg"; then
	pass "html graph as DOT and SVG, a node per site"
else
	fail "html graph as DOT and SVG" "missing:$missing"
fi

# No two text boxes of the laid-out graph overlap.
overlaps=$(awk '
match($0, /<text [^>]*>[^<]*<\/text>/) {
	t = substr($0, RSTART, RLENGTH)
	x = t; sub(/.* x="/, "", x); sub(/".*/, "", x)
	y = t; sub(/.* y="/, "", y); sub(/".*/, "", y)
	fs = t; sub(/.* font-size="/, "", fs); sub(/".*/, "", fs)
	s = t; sub(/^<text [^>]*>/, "", s); sub(/<\/text>$/, "", s)
	gsub(/&#160;/, " ", s); gsub(/&[a-z#0-9]+;/, "x", s); gsub(/^ +| +$/, "", s)
	w = length(s) * 0.6 * fs
	n++; L[n] = x - w / 2; R[n] = x + w / 2; T[n] = y - 0.8 * fs; B[n] = y + 0.2 * fs; S[n] = s
}
END {
	bad = 0
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (L[i] < R[j] && L[j] < R[i] && T[i] < B[j] && T[j] < B[i]) {
				printf "\"%s\" overlaps \"%s\"\n", S[i], S[j]; bad = 1
			}
	printf "%d labels checked\n", n > "/dev/stderr"
	exit bad
}
' "$WORK/graph.svg" 2>"$WORK/labels") && rc=0 || rc=$?
if ((rc == 0)); then
	pass "html graph labels do not overlap ($(cat "$WORK/labels"))"
else
	fail "html graph labels do not overlap" "$(head -3 <<<"$overlaps")"
fi

# 6. Nowhere to write: a clear error, the old page untouched.
sum=$(md5sum <"$PAGE")
rc=0
analyze html -o "$WORK/none/report.html" 2>"$WORK/err" || rc=$?
if ((rc == 1)) && [[ $(wc -l <"$WORK/err") == 1 ]] && grep -q -F "$WORK/none/report.html" "$WORK/err" &&
    [[ $(md5sum <"$PAGE") == "$sum" ]]; then
	pass "html unwritable path: one line naming it, exit 1 ($(cat "$WORK/err"))"
else
	fail "html unwritable path" "exit $rc: $(cat "$WORK/err")"
fi

exit $FAILED
