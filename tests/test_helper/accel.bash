# SPDX-License-Identifier: ISC
# The accelerators this host can use, as the tree's lpar reports them
# ('lpar -j version -v'), for tests/run and the bats helpers.  Needs
# $LPAR_BIN (test_helper/build.bash) and jq.

# The accelerators this host can use, one a line, in lpar's order (kvm
# first); fails if lpar cannot say (tcg is always there).
accels_usable() {
	local report list

	report=$("$LPAR_BIN" -j version -v) &&
		list=$(jq -r '.accels[] | select(.usable) | .name' <<<"$report") &&
		[ -n "$list" ] && echo "$list"
}

# accel_usable NAME: whether this host can use accelerator NAME.
accel_usable() {
	accels_usable | grep -qx -- "$1"
}

# accel_detail NAME: what lpar says of NAME on this host (why it is unusable).
accel_detail() {
	"$LPAR_BIN" -j version -v | jq -r --arg n "$1" '.accels[] | select(.name == $n) | .detail'
}

# The accelerator lpar uses in this run: LPAR_ACCEL, or what auto picks
# (the first usable one: kvm where it opens, else tcg).
accel_current() {
	local list

	list=$(accels_usable) || return 1
	case ${LPAR_ACCEL:-auto} in
	auto) echo "${list%%$'\n'*}" ;;
	*) echo "$LPAR_ACCEL" ;;
	esac
}
