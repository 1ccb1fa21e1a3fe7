# Helpers the bench scripts share; each defines fail() and sources this.

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
