#!/bin/sh
# Installs the Debian packages cairn needs to build, test and run, when any
# are missing; does nothing (and runs no apt-get) when all are present.
# Works as root or through sudo; apt-get runs non-interactively. Debian 12.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only list the missing packages; exit 1 when there are any
#
# A new capability that needs a package adds it to PACKAGES below, and only there.
# Some are for the tests only: postgresql (a real server for SQL acquisition),
# clang (fuzzing), python3-xgboost (cairn's XGBoost models must equal
# Python's, byte for byte).

PACKAGES="
	build-essential
	pkg-config
	libsqlite3-dev
	sqlite3
	libjansson-dev
	libssl-dev
	openssl
	libzstd-dev
	libyaml-dev
	libcurl4-openssl-dev
	libmicrohttpd-dev
	libxgboost-dev
	liblinear-dev
	liblbfgs-dev
	libpq-dev
	libgit2-dev
	git
	python3
	python3-xgboost
	time
	curl
	clang
	libclang-rt-14-dev
	postgresql
"

set -eu

check_only=0
case "${1:-}" in
--check) check_only=1 ;;
"") ;;
-h|--help)
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
*)
	echo "install-deps: unknown argument '$1' (try --help)" >&2
	exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "install-deps: not a Debian system (no dpkg-query); install the equivalents of:" >&2
	echo "  $(echo "$PACKAGES" | xargs)" >&2
	[ $check_only = 1 ] && exit 1
	exit 0
fi

# Prints " pkg" for each package of $@ that is not installed.
not_installed() {
	for p in "$@"; do
		# "install ok installed" (or "hold ok installed") when it is there.
		case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" in
		*" ok installed") ;;
		*) printf ' %s' "$p" ;;
		esac
	done
}

# shellcheck disable=SC2086 # $PACKAGES is a list of words
missing=$(not_installed $PACKAGES)

if [ -z "$missing" ]; then
	echo "install-deps: all $(echo "$PACKAGES" | wc -w) packages are installed"
	exit 0
fi
echo "install-deps: missing:$missing"
[ $check_only = 1 ] && exit 1

if [ "$(id -u)" -eq 0 ]; then
	as_root=
elif command -v sudo >/dev/null 2>&1; then
	as_root=sudo # may ask for the user's password, once
else
	echo "install-deps: not root and no sudo; as root, run:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi

# shellcheck disable=SC2086 # word splitting of $as_root and $missing is wanted
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	--no-install-recommends $missing </dev/null

# Check again: apt-get can succeed without installing what was asked.
# shellcheck disable=SC2086
still=$(not_installed $missing)
if [ -n "$still" ]; then
	echo "install-deps: still missing after apt-get:$still" >&2
	exit 1
fi
echo "install-deps: installed$missing"
