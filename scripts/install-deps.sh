#!/bin/sh
# Installs the Debian packages cairn needs to build, test and run, when any
# are missing; does nothing (and runs no apt-get) when all are present.
# Works as root or through sudo; apt-get runs non-interactively. Debian 12.
#
# Usage: scripts/install-deps.sh [--check]
#   --check   only list the missing packages; exit 1 when there are any
#
# A new capability that needs a package adds it to PACKAGES below, and only
# there, with what needs it. Packages are installed for what cairn builds,
# links or loads, for the tests (make test), the benchmarks (make bench), and
# for a capability on the roadmap only where that is said.

# One package a line; after the "#", what uses it.
PACKAGES=$(sed 's/#.*//' <<'EOF'
build-essential      # cc, make, ar; g++ (examples/embed.cpp); nm, readelf (t0007)
pkg-config           # the Makefile's flags; cairn.pc checked in t0007
libsqlite3-dev       # linked: the metadata store (src/store/db.c)
sqlite3              # tests read cairn.db with the sqlite3 program (t0001, t1004, t3008, ...)
libjansson-dev       # linked: JSON everywhere; the public headers use json_t
libssl-dev           # linked: libcrypto's SHA-256 for the object store (src/core/hash.c)
openssl              # make bench compares hashing with `openssl dgst` (bench/bench-*.sh)
libyaml-dev          # linked: expectation suites, MLmodel manifests (src/core/yaml.c)
libzstd-dev          # linked: the prediction log's compressed segments (src/serve/predlog*.c)
libcurl4-openssl-dev # header at build time; libcurl4 loaded at run time for http(s) data add
libmicrohttpd-dev    # linked: the model server, cairn serve (src/serve/server.c)
libxgboost-dev       # header at build time; libxgboost0 loaded at run time (xgboost, random_forest)
liblinear-dev        # header at build time; liblinear4 loaded at run time (logistic, linear_svm, linear)
liblbfgs-dev         # linked: multinomial logistic regression (src/ml/softmax.c)
libpq-dev            # header at build time; libpq5 loaded at run time for `data add --sql postgresql://`
git                  # run code versions (src/track/codever.c runs git); t3002, t3006, t3007
python3              # tests parse JSON, drive ptys and find free ports with it
python3-xgboost      # t4001: cairn's XGBoost models equal Python's, byte for byte
python3-pandas       # make bench reads the CSV of bench/bench-ml.sh with pandas, as Python users do
python3-sklearn      # make bench fits xgboost.XGBClassifier (its scikit-learn API), as Python users do
python3-fastapi      # make bench: the Python scoring server cairn serve is compared with (bench/serve-peer.py)
python3-uvicorn      # make bench: the ASGI server of bench/serve-peer.py, as MLflow's scoring server runs
nginx-light          # make bench: nginx returning a fixed body, the HTTP bound of cairn serve (bench/bench-serve.sh)
wrk                  # make bench checks bench/loadgen.c's rate against wrk's (bench/bench-serve.sh)
python3-scipy        # tests only: t7001 checks the drift statistics of src/monitor/stats.h against SciPy
python3-jsonschema   # t3006 validates OpenLineage events against the published 2-0-2 schema
graphviz             # t3006 checks that `dot` accepts `cairn lineage --format dot`
time                 # /usr/bin/time measures peak memory in t1005
curl                 # t2002 waits for its HTTP server with curl
clang                # fuzz targets (make fuzz; t0005 replays them)
libclang-rt-14-dev   # clang's libFuzzer and sanitizer runtimes for the fuzz targets
postgresql           # t2002 runs a real server for SQL acquisition
prometheus           # promtool checks GET /metrics, and a real Prometheus scrapes cairn serve (t6204, t6205, test-prom)
skopeo               # t6303 inspects the OCI images of cairn package
umoci                # t6303 unpacks the OCI images of cairn package and runs them under chroot
EOF
)

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
