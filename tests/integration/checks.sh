# checks.sh: the result lines of an integration test, sourced by lib.sh
# and by the test-*.sh that do not use lib.sh.
# Each check prints "PASS name" or "FAIL name: reason"; a failure sets
# FAILED=1, which the test returns as its exit status.
FAILED=0

pass() { printf 'PASS %s\n' "$1"; }
fail() { printf 'FAIL %s: %s\n' "$1" "$2"; FAILED=1; }

# check NAME REASON TEST...: PASS when the TEST command succeeds, else FAIL with REASON.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then pass "$name"; else fail "$name" "$why"; fi
}
