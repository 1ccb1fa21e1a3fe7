# SPDX-License-Identifier: ISC
# Helpers the bench scripts share; each sets lpar, defines fail() and
# sources this.
# shellcheck shell=sh disable=SC2154 # lpar is each script's

# field NAME TEXT: the number after "NAME=" in TEXT, or fails.
field() {
	v=$(printf '%s\n' "$2" | sed -n "s/.*$1=\\([0-9][0-9]*\\).*/\\1/p" | head -n 1)
	[ -n "$v" ] || fail "no $1= in output: $2"
	echo "$v"
}

# least N...: the smallest of integers.
least() {
	printf '%s\n' "$@" | sort -n | head -n 1
}

# median N...: the median of integers.
median() {
	printf '%s\n' "$@" | sort -n |
		awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2];
			else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# kvm_why: nothing if lpar can use KVM on this host; else why not, in a few
# words ("no /dev/kvm", or lpar's own reason), for "...: skipped" lines.
kvm_why() {
	j=$($lpar -j version -v) || fail "'$lpar -j version -v' failed"
	w=$(printf '%s\n' "$j" | jq -r '[.accels[] | select(.name == "kvm")][0] //
		{ usable: false, detail: "not built into lpar" } |
		if .usable then "" else .detail end') ||
		fail "cannot parse '$lpar -j version -v': $j"
	if [ -z "$w" ]; then
		return 0
	elif [ ! -e "${LPAR_KVM_DEVICE:-/dev/kvm}" ]; then
		echo "no ${LPAR_KVM_DEVICE:-/dev/kvm}"
	else
		echo "no KVM (${w%% (*})"
	fi
}

# default_accel: the accelerator a partition started without --accel runs
# on: LPAR_ACCEL's, or for "auto" (the default) kvm where KVM opens, else tcg.
default_accel() {
	case ${LPAR_ACCEL:-auto} in
	kvm | tcg) echo "$LPAR_ACCEL" ;;
	*) if [ -z "$(kvm_why)" ]; then echo kvm; else echo tcg; fi ;;
	esac
}

# monitor_kib PID: a monitor's memory beyond guest RAM, in KiB: RssAnon +
# RssFile (its heap, stacks and the library pages it maps; guest RAM is
# shared memory, RssShmem).  0 if it has gone.
monitor_kib() {
	awk '/^RssAnon:|^RssFile:/ { s += $2 } END { print s + 0 }' "/proc/$1/status" 2>/dev/null ||
		echo 0
}
