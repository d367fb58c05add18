# ssh.sh: reach the sites of a testbed over ssh, as a campaign does in
# production. Sourced by testbed/tb.
#
# `tb ssh-up` makes a controller namespace PREFIX-sshcontroller (no node
# name is that long) with one veth to each chosen site; site k (1-based)
# gets 169.254.k.1/24 on its end (tp-ssh), the controller 169.254.k.2/24
# (s-SITE). Nothing is added to the host's own namespace, and these links
# carry only ssh: the probes still go out through the sites' uplinks.
# Each chosen site runs its own sshd (Debian's openssh-server) listening
# on 169.254.k.1 only, with a host key made here, accepting one client key
# for root whose authorized_keys line is
#   restrict,command="scripts/tp-ssh-gate BINDIR" ssh-ed25519 ...
# so the key runs tp-probe and tp-bgpctl and nothing else. `tb conf` then
# gives those sites `exec = ssh ... 169.254.k.1`, to be used from the
# controller namespace (ip netns exec PREFIX-sshcontroller tp-campaign ...).

SSH_SSHD=/usr/sbin/sshd

# The folder of the ssh keys, configs and sshd PID files.
ssh_dir() {
	printf '%s/ssh' "$RUN_DIR"
}

# The controller namespace.
ssh_netns() {
	printf '%s-sshcontroller' "$PREFIX"
}

# The address of site $1's sshd, or nothing when it is not reached by ssh.
ssh_site_address() {
	local f
	f=$(ssh_dir)/$1.addr
	[[ -r $f ]] && cat "$f"
	return 0
}

# The exec prefix that reaches site $1 over ssh from the controller namespace.
ssh_exec_prefix() {
	local d
	d=$(ssh_dir)
	printf 'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s/known_hosts -i %s/client_key root@%s' \
	    "$d" "$d" "$(ssh_site_address "$1")"
}

# 0 when PID $1 is an sshd started with config file $2 (sshd rewrites its
# command line to one string, "sshd: /usr/sbin/sshd -f CONF ... [listener] ...").
ssh_pid_ours() {
	local pid=$1 conf=$2 comm cmdline
	[[ $pid =~ ^[1-9][0-9]*$ ]] || return 1
	read -r comm 2>/dev/null </proc/"$pid"/comm || return 1
	[[ $comm == sshd ]] || return 1
	cmdline=$(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline) || return 1
	[[ $cmdline == *"$SSH_SSHD -f $conf "* ]]
}

# Write the keys, the sshd config and authorized_keys (forced command: the
# gate with bindir $1).
ssh_write_keys() {
	local d gate pub
	d=$(ssh_dir)
	gate=$(cd "$TB_HOME/../scripts" && pwd)/tp-ssh-gate
	[[ -x $gate ]] || die "no $gate"
	mkdir -p -m 0700 "$d" || die "cannot create $d"
	ssh-keygen -q -t ed25519 -N '' -C "tb $PREFIX host" -f "$d/host_key" </dev/null ||
	    die "ssh-keygen failed"
	ssh-keygen -q -t ed25519 -N '' -C "tb $PREFIX campaign" -f "$d/client_key" </dev/null ||
	    die "ssh-keygen failed"
	pub=$(cat "$d/client_key.pub")
	printf 'restrict,command="%s %s" %s\n' "$gate" "$1" "$pub" >"$d/authorized_keys"
	# StrictModes is off only because a test's run folder may sit under
	# /tmp (world-writable); every file here is root's and 0600/0700.
	cat >"$d/sshd_config" <<EOF
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin forced-commands-only
AllowUsers root
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
PermitTunnel no
EOF
	: >"$d/known_hosts"
}

# Make the controller namespace and its veth to each site of $@.
ssh_links_create() {
	local ns k=0 s
	ns=$(ssh_netns)
	[[ -e /run/netns/$ns ]] && die "namespace $ns already exists: run 'tb --prefix $PREFIX down' first"
	printf '%s\n' "$ns" >>"$(netns_list_file)"
	ip netns add "$ns" || die "cannot create namespace $ns"
	ip -n "$ns" link set lo up
	for s in "$@"; do
		k=$((k + 1))
		ip link add "s-$s" netns "$ns" type veth peer name tp-ssh netns "$(ns_of "$s")" ||
		    die "cannot link $ns to site $s"
		ip -n "$ns" addr add "169.254.$k.2/24" dev "s-$s"
		ip -n "$ns" link set "s-$s" up
		ip -n "$(ns_of "$s")" addr add "169.254.$k.1/24" dev tp-ssh
		ip -n "$(ns_of "$s")" link set tp-ssh up
		printf '169.254.%d.1\n' "$k" >"$(ssh_dir)/$s.addr"
	done
}

# Start the sshd of site $1 (daemonized; its PID file is SITE.pid).
ssh_sshd_start() {
	local d addr pid i
	d=$(ssh_dir)
	addr=$(ssh_site_address "$1")
	ip netns exec "$(ns_of "$1")" "$SSH_SSHD" -f "$d/sshd_config" -E "$d/$1.log" \
	    -o "ListenAddress=$addr" -o "PidFile=$d/$1.pid" || die "sshd at site $1 did not start (see $d/$1.log)"
	for ((i = 0; i < 50; i++)); do
		pid=$(cat "$d/$1.pid" 2>/dev/null) && ssh_pid_ours "$pid" "$d/sshd_config" && break
		sleep 0.1
	done
	ssh_pid_ours "${pid:-}" "$d/sshd_config" || die "sshd at site $1 wrote no PID file"
	printf '%s %s\n' "$addr" "$(cut -d' ' -f1,2 "$d/host_key.pub")" >>"$d/known_hosts"
}

# Wait until site $1 runs a command over ssh from the controller namespace.
ssh_wait_reachable() {
	local i pfx
	pfx=$(ssh_exec_prefix "$1")
	for ((i = 0; i < 50; i++)); do
		# shellcheck disable=SC2086 # the prefix is words on purpose
		ip netns exec "$(ssh_netns)" $pfx tp-probe -h </dev/null >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	die "site $1 is not reachable over ssh (see $(ssh_dir)/$1.log)"
}

# tb ssh-up --bindir DIR [SITE...]: every site, or those named.
ssh_up() {
	local bindir='' s
	local -a sites=()
	while (($#)); do
		case $1 in
		--bindir) [[ -n ${2:-} ]] || die "--bindir needs a folder"; bindir=$(cd "$2" && pwd) || exit 1; shift 2 ;;
		-*) die "ssh-up: unknown option $1" ;;
		*) sites+=("$1"); shift ;;
		esac
	done
	[[ -n $bindir ]] || die "usage: tb ssh-up --bindir DIR [SITE...]"
	[[ -x $SSH_SSHD ]] && command -v ssh ssh-keygen >/dev/null ||
	    die "no $SSH_SSHD or ssh: install openssh-server and openssh-client"
	((${#sites[@]})) || mapfile -t sites < <(nodes_of_kind site)
	((${#sites[@]} <= 254)) || die "ssh-up handles at most 254 sites"
	for s in "${sites[@]}"; do
		node_known "$s" && [[ ${KIND[$s]} == site ]] || die "no site '$s' in testbed $PREFIX"
	done
	[[ -e $(ssh_dir) ]] && die "ssh is already up for testbed $PREFIX"
	mkdir -p /run/sshd	# sshd's privilege separation folder
	trap ssh_down EXIT
	ssh_write_keys "$bindir"
	ssh_links_create "${sites[@]}"
	for s in "${sites[@]}"; do
		ssh_sshd_start "$s"
	done
	for s in "${sites[@]}"; do
		ssh_wait_reachable "$s"
	done
	trap - EXIT
	ssh_netns
}

# Stop every sshd of this testbed by its recorded PID, remove the
# controller namespace and the keys. Safe to run when ssh is not up.
ssh_down() {
	local d pidf pid ns
	d=$(ssh_dir)
	for pidf in "$d"/*.pid; do
		[[ -e $pidf ]] || continue
		pid=$(cat "$pidf" 2>/dev/null) || pid=
		ssh_pid_ours "$pid" "$d/sshd_config" && kill -TERM "$pid"
	done
	ns=$(ssh_netns)
	[[ -e /run/netns/$ns ]] && ip netns del "$ns"
	rm -rf "$d"
	return 0
}
