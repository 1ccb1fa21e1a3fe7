# SPDX-License-Identifier: ISC
# The build the tests run, for tests/run and the bats helpers (needs $ROOT):
# the tree's own (./lpar, and build/ for lpar-debug, the unit tests and
# tests/tools), or the one LPAR_BUILD names, a directory whose lpar sits
# inside it (make check-asan: build-asan, through tests/asan).  Sets BUILD
# and LPAR_BIN; for another build, points LPAR_DEBUGGER at its lpar-debug,
# which lpar would otherwise look for in its own directory's build/.
if [ -n "${LPAR_BUILD:-}" ]; then
	case $LPAR_BUILD in
	/*) BUILD=$LPAR_BUILD ;;
	*) BUILD=$ROOT/$LPAR_BUILD ;;
	esac
	LPAR_BIN=$BUILD/lpar
	export LPAR_DEBUGGER=${LPAR_DEBUGGER:-$BUILD/lpar-debug}
else
	BUILD=$ROOT/build
	LPAR_BIN=$ROOT/lpar
fi
