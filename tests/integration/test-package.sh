#!/bin/bash
# test-package.sh: the Debian packages, from the build to the purge.
#
#  1. dpkg-buildpackage -us -uc -b on a copy of this tree builds
#     traffic-predictor-common, -site and -controller; lintian finds no
#     error (its warnings are printed); no file in them is setuid or setgid.
#  2. Installed (apt-get install ./*.deb): user tp is a system user with
#     /usr/sbin/nologin and home /var/lib/traffic-predictor, in group bird;
#     /var/lib/traffic-predictor is 0750 tp:tp; /etc/traffic-predictor holds
#     tp.conf and no probe key; tp-probe has exactly cap_net_raw=ep; the
#     timer is not enabled; the units pass systemd-analyze verify; the site
#     package ships scripts/tp-ssh-gate when the tree has it.
#  3. A tiny testbed campaign with the INSTALLED programs as user tp:
#     tp-campaign as tp (given CAP_SYS_ADMIN and CAP_NET_ADMIN only so that
#     the testbed's exec prefix, ip netns exec, can enter the namespaces),
#     tp-probe by
#     its file capability, tp-bgpctl through BIRD's socket as group bird
#     (0660 root:bird, as bird -g bird makes it), the database in
#     /var/lib/traffic-predictor. It finishes (done), and its metrics file
#     says so, with the figures of the database, and passes promtool check
#     metrics (when promtool is installed).
#  4. A run the preflight refuses rewrites the metrics file: status
#     refused, the last success still the first campaign.
#  5. Purge keeps the database (owned by root) and removes the rest: user,
#     group, /etc/traffic-predictor, every file the packages installed.
#     Installing again hands the database back to tp, who sees the campaign.
#  6. Purge with TP_PURGE_DATABASE=yes leaves nothing behind.
#
# Needs root, a machine where traffic-predictor is not installed and no
# user tp exists (it installs and purges system-wide), and the Debian
# packages of scripts/install-deps (debhelper, lintian, ...). Takes about
# four minutes, most of it the package build.
# Prints "PASS name" / "FAIL name: reason"; exits 1 when anything failed.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
export TB=${TB:-$TOP/testbed/tb}
export TB_PREFIX=tpbk$$
WORK=$(mktemp -d /tmp/tp-package.XXXXXX)
export TB_RUN_DIR=$WORK/run
PACKAGES=(traffic-predictor-common traffic-predictor-site traffic-predictor-controller)
STATE=/var/lib/traffic-predictor
CONF=/etc/traffic-predictor/tp.conf
METRICS=$WORK/textfile/traffic-predictor.prom
TB_UP=0
INSTALLED=0
APT=(apt-get -o DPkg::Lock::Timeout=900 -y -q)

# Take the testbed down and purge what this test installed.
cleanup() {
	trap - EXIT
	((TB_UP)) && "$TB" --quiet down >/dev/null 2>&1
	if ((INSTALLED)); then
		TP_PURGE_DATABASE=yes DEBIAN_FRONTEND=noninteractive "${APT[@]}" purge \
		    "${PACKAGES[@]}" >/dev/null 2>&1
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# shellcheck source=checks.sh
. "$HERE/checks.sh"

# Run a command as user tp with its groups, in /, holding CAP_SYS_ADMIN
# and CAP_NET_ADMIN (ambient) only for the testbed's ip netns exec (ip
# drops its capabilities unless CAP_NET_ADMIN is inheritable). Running a
# program with file capabilities clears the ambient set: tp-probe has only
# what its file gives, as on a site.
as_tp() {
	(cd / && setpriv --reuid=tp --regid=tp --init-groups --inh-caps=+sys_admin,+net_admin \
	    --ambient-caps=+sys_admin,+net_admin -- "$@")
}

# Install the built packages; 0 when apt did.
install_debs() {
	DEBIAN_FRONTEND=noninteractive "${APT[@]}" install "$WORK"/traffic-predictor-common_*.deb \
	    "$WORK"/traffic-predictor-site_*_*.deb "$WORK"/traffic-predictor-controller_*_*.deb \
	    >"$WORK/apt.log" 2>&1
}

# The metrics file's value for one series ("name{labels}" exactly).
metric() {
	awk -v s="$1" '$1 == s { print $2 }' "$METRICS"
}

# Paths the installed packages own that nothing else may keep after purge:
# their files, and the folders that are theirs alone.
owned_paths() {
	dpkg -L "${PACKAGES[@]}" 2>/dev/null | while read -r p; do
		[[ -d $p && $p != */traffic-predictor* ]] && continue
		printf '%s\n' "$p"
	done
}

# What is left of the packages after a purge, one item a line; none when nothing is.
leftovers() {
	local p
	while read -r p; do
		[[ -e $p || -L $p ]] && printf '%s\n' "$p"
	done <"$WORK/owned"
	[[ -e $STATE ]] && printf '%s\n' "$STATE"
	[[ -e /etc/traffic-predictor ]] && printf '/etc/traffic-predictor\n'
	getent passwd tp >/dev/null && printf 'user tp\n'
	getent group tp >/dev/null && printf 'group tp\n'
	getent group bird | grep -qE '[:,]tp(,|$)' && printf 'tp in group bird\n'
	find /etc/systemd /var/lib/systemd -name '*traffic-predictor*' 2>/dev/null
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null |
	    awk '$1 != "un" { print "dpkg: " $2 " " $1 }'
}

((EUID == 0)) || { echo "FAIL package: needs root"; exit 1; }
for p in "${PACKAGES[@]}"; do
	if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^[a-z]i'; then
		echo "FAIL package: $p is installed already; this test installs and purges it"
		exit 1
	fi
done
if getent passwd tp >/dev/null; then
	echo "FAIL package: a user tp exists already; this test creates and removes it"
	exit 1
fi
chmod 0711 "$WORK"

# 1. Build and lint.
mkdir -p "$WORK/src"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$TOP" ls-files -z --cached --others --exclude-standard |
	    tar -C "$TOP" --null -T - -cf - | tar -C "$WORK/src" -xf -
else
	tar -C "$TOP" --exclude='./build*' -cf - . | tar -C "$WORK/src" -xf -
fi
start=$(date +%s)
if (cd "$WORK/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
	pass "package builds with dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s)"
else
	fail "package builds" "$(tail -15 "$WORK/build.log")"
	exit 1
fi
lintian --pedantic "$WORK"/traffic-predictor_*.changes >"$WORK/lintian.log" 2>&1
errors=$(grep -c '^E:' "$WORK/lintian.log")
check "package lintian: no errors ($(grep -c '^[WIP]:' "$WORK/lintian.log") warnings and notes)" \
    "$(grep '^E:' "$WORK/lintian.log")" test "$errors" -eq 0
grep '^[WIP]:' "$WORK/lintian.log" | sed 's/^/  lintian: /'
setid=$(for d in "$WORK"/*.deb; do dpkg-deb -c "$d"; done | awk '$1 ~ /^-..[sS]|^-.....[sS]/')
check "package has no setuid or setgid file" "$setid" test -z "$setid"

# 2. Install.
if install_debs; then
	INSTALLED=1
	pass "package installs"
else
	fail "package installs" "$(tail -15 "$WORK/apt.log")"
	exit 1
fi
owned_paths >"$WORK/owned"
IFS=: read -r _ _ uid _ gecos home shell < <(getent passwd tp)
check "package user tp: system, nologin, home $STATE" \
    "uid $uid, shell $shell, home $home" test "$uid" -lt 1000 -a "$shell" = /usr/sbin/nologin -a "$home" = "$STATE"
check "package user tp in group bird" "groups: $(id -nG tp)" bash -c "id -nG tp | tr ' ' '\n' | grep -qx bird"
check "package $STATE is 0750 tp:tp" "$(stat -c '%a %U:%G' "$STATE")" \
    test "$(stat -c '%a %U:%G' "$STATE")" = "750 tp:tp"
check "package /etc/traffic-predictor holds tp.conf and no probe key" "$(ls -la /etc/traffic-predictor)" \
    test -f "$CONF" -a ! -e /etc/traffic-predictor/probe.key
caps=$(getcap /usr/sbin/tp-probe)
check "package tp-probe has cap_net_raw=ep and nothing else" "getcap: $caps" \
    test "${caps##* }" = cap_net_raw=ep
check "package tp-probe is not setuid" "$(stat -c %A /usr/sbin/tp-probe)" test ! -u /usr/sbin/tp-probe
check "package timer not enabled" "$(ls /etc/systemd/system/timers.target.wants 2>&1)" \
    test ! -e /etc/systemd/system/timers.target.wants/traffic-predictor-campaign.timer
if [[ -f $TOP/scripts/tp-ssh-gate ]]; then
	check "package site ships the ssh forced command tp-ssh-gate" "$(dpkg -L traffic-predictor-site)" \
	    test -x /usr/share/traffic-predictor/tp-ssh-gate
fi
man=()
command -v man >/dev/null || man=(--man=no)
out=$(systemd-analyze verify "${man[@]}" /lib/systemd/system/traffic-predictor-campaign.service \
    /lib/systemd/system/traffic-predictor-campaign.timer 2>&1)
check "package units pass systemd-analyze verify" "$out" test -z "$out"

# 3. A campaign on the tiny testbed with the installed programs, as tp.
if ! out=$("$TB" --quiet up tiny 2>&1); then
	fail "package testbed up" "$out"
	exit 1
fi
TB_UP=1
mkdir -p "$WORK/bin" "$WORK/textfile"
ln -s /usr/bin/tp-analyze /usr/sbin/tp-probe "$WORK/bin/"
chown tp "$WORK/textfile"
"$TOP/testbed/setup-campaign" "$WORK/bin" --per-network 8 rate=20000 settle=1 sample_interval=1 \
    sample_size=40 converge_timeout=10 deadman=30 listen_grace=1 min_announcing=1 chains=0 \
    >/dev/null || { fail "package campaign setup" "setup-campaign failed"; exit 1; }
chmod 0755 "$TB_RUN_DIR"
chmod 0644 "$TB_RUN_DIR/exclude.conf" "$TB_RUN_DIR/targets.csv"
chgrp bird "$TB_RUN_DIR"/*.ctl && chmod 0660 "$TB_RUN_DIR"/*.ctl
install -m 0600 -o tp -g tp "$TB_RUN_DIR/probe.key" /etc/traffic-predictor/probe.key
sed -e "s|^database = .*|database = $STATE/tp.db|" \
    -e "s|^key_file = .*|key_file = /etc/traffic-predictor/probe.key|" \
    -e "s|^bindir = .*|bindir = /usr/sbin\nmetrics_file = $METRICS|" \
    "$TB_RUN_DIR/tp.conf" >"$CONF"
out=$(as_tp tp-analyze -q -c "$CONF" targets import --exclude "$TB_RUN_DIR/exclude.conf" \
    "$TB_RUN_DIR/targets.csv" 2>&1) || fail "package targets import as tp" "$out"
rc=0
as_tp tp-campaign -c "$CONF" run >"$WORK/campaign.out" 2>&1 || rc=$?
check "package campaign as tp with the installed programs finishes (exit 0)" \
    "exit $rc: $(tail -5 "$WORK/campaign.out")" test "$rc" -eq 0
list=$(as_tp tp-campaign -c "$CONF" -j list)
FIRST=$(jq '.[0].campaign' <<<"$list")
check "package campaign marked done" "$list" test "$(jq -r '.[0].status' <<<"$list")" = done
owners=$(find "$STATE" ! -user tp -printf '%p ')
check "package the database is tp's" "not tp's: $owners" test -z "$owners"
done_count=$(as_tp tp-campaign -c "$CONF" -j status "$FIRST" | jq '[.[] | select(.status == "done")] | length')
check "package metrics: written, 0644, owned by tp" "$(ls -l "$METRICS" 2>&1)" \
    test "$(stat -c '%a %U' "$METRICS" 2>/dev/null)" = "644 tp"
check "package metrics: last run done, exit 0, campaign $FIRST" "$(grep last_run "$METRICS")" \
    test "$(metric 'tp_campaign_last_run_status{status="done"}')" = 1 \
    -a "$(metric tp_campaign_last_run_exit_code)" = 0 \
    -a "$(metric tp_campaign_last_run_campaign_id)" = "$FIRST"
check "package metrics: $done_count scenarios done, as tp-campaign status says" \
    "$(grep last_run_scenarios "$METRICS")" \
    test "$(metric 'tp_campaign_last_run_scenarios{status="done"}')" = "$done_count" -a "$done_count" -eq 3
responsive=$(as_tp sqlite3 "$STATE/tp.db" "SELECT COUNT(*) FROM responses r JOIN rounds o ON o.id = r.round_id
	WHERE o.campaign_id = $FIRST AND o.kind = 'baseline'")
summed=$(awk '$1 ~ /^tp_site_targets_responsive\{/ { s += $2 } END { print s + 0 }' "$METRICS")
check "package metrics: targets responsive per site add up to the baseline's $responsive replies" \
    "metrics say $summed" test "$summed" = "$responsive" -a "$responsive" -gt 0
bad=$(awk '$1 ~ /^tp_failover_share\{/ { split($1, a, "\""); s[a[2]] += $2 }
	$1 ~ /^tp_failover_lost_share\{/ { split($1, a, "\""); s[a[2]] += $2 }
	END { for (k in s) if (s[k] < 0.999 || s[k] > 1.001) print k, s[k]; print length(s) }' "$METRICS")
check "package metrics: each of the 3 sets' shares (with the lost share) add up to 1" "$bad" \
    test "$bad" = 3
end=$(metric tp_campaign_last_success_timestamp_seconds)
check "package metrics: last success is now" "$end" \
    awk -v e="$end" -v now="$(date +%s)" 'BEGIN { exit !(e > now - 300 && e <= now + 1) }'
if command -v promtool >/dev/null; then
	out=$(promtool check metrics <"$METRICS" 2>&1)
	check "package metrics: promtool check metrics" "$out" test -z "$out"
else
	echo "SKIP package metrics: promtool check metrics: no promtool (Debian package prometheus)"
fi

# 4. A refused run rewrites the file.
sed '/^\[site chc\]/a interface = nosuchif0' "$CONF" >"$WORK/broken.conf"
chmod 0644 "$WORK/broken.conf"
rc=0
as_tp tp-campaign -c "$WORK/broken.conf" run >"$WORK/broken.out" 2>&1 || rc=$?
check "package metrics: a refused run says refused, exit 3; the last success stays campaign $FIRST" \
    "exit $rc; $(grep -E 'last_run_status|exit_code|success_campaign' "$METRICS")" \
    test "$rc" -eq 3 -a "$(metric 'tp_campaign_last_run_status{status="refused"}')" = 1 \
    -a "$(metric tp_campaign_last_run_exit_code)" = 3 \
    -a "$(metric tp_campaign_last_success_campaign_id)" = "$FIRST"
"$TB" --quiet down >/dev/null 2>&1
TB_UP=0

# 5. Purge, keeping the database; install again.
DEBIAN_FRONTEND=noninteractive "${APT[@]}" purge "${PACKAGES[@]}" >"$WORK/purge.log" 2>&1 ||
    fail "package purge" "$(tail -10 "$WORK/purge.log")"
others=$(find "$STATE" -mindepth 1 ! -name tp.db ! -name tp.db-wal ! -name tp.db-shm 2>&1)
owners=$(find "$STATE" ! -user root -printf '%p ' 2>&1)
check "package purge keeps the database, owned by root, and nothing else there" \
    "others: $others; not root's: $owners" test -f "$STATE/tp.db" -a -z "$others" -a -z "$owners"
left=$(leftovers | grep -vx "$STATE" | tr '\n' ' ')
check "package purge removes the rest" "left: $left" test -z "$left"
if install_debs; then
	n=$(as_tp tp-campaign -d "$STATE/tp.db" -j list | jq 'length')
	check "package installed again: tp owns the kept database and sees its campaign" \
	    "$n campaigns; $(ls -la "$STATE")" test "$(stat -c %U "$STATE/tp.db")" = tp -a "$n" = 1
else
	fail "package installs again" "$(tail -15 "$WORK/apt.log")"
fi

# 6. Purge everything.
TP_PURGE_DATABASE=yes DEBIAN_FRONTEND=noninteractive "${APT[@]}" purge "${PACKAGES[@]}" \
    >"$WORK/purge.log" 2>&1 || fail "package purge" "$(tail -10 "$WORK/purge.log")"
INSTALLED=0
left=$(leftovers | tr '\n' ' ')
check "package purge with TP_PURGE_DATABASE=yes leaves nothing" "left: $left" test -z "$left"
exit "$FAILED"
