#!/bin/bash
# libcairn as a library: the shared library's soname and exported symbols
# (cairn_* only, every public function), the installed headers, cairn.pc,
# make install/uninstall with DESTDIR, and the examples (C, C++, static),
# built by `make test` against its installation in build/install, embedding
# libcairn to train a model and predict.
. "$(dirname "$0")/lib.sh"

PREFIX=$SRC_ROOT/build/install
EXAMPLES=$SRC_ROOT/build/examples
VERSION=$(cat "$SRC_ROOT/VERSION")
MAJOR=${VERSION%%.*}
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"

[ -f "$PREFIX/lib/libcairn.so.$VERSION" ] && [ -x "$EXAMPLES/embed" ] ||
	test_skip_all "build/install and build/examples are not built (make test builds them)"
for tool in nm readelf pkg-config cc g++ make; do
	test_have $tool || test_skip_all "$tool is missing"
done

# Runs an example in workspace ws; checks and keeps its output in $1.out.
run_example() {
	"$EXAMPLES/$1" "$DATASETS/iris.csv" species ws >"$1.out" 2>"$1.err" &&
	test_must_be_empty "$1.err" &&
	sed -n "s/^run //p" "$1.out" >"$1.run" &&
	test_grep "^[0-9a-z]{26}$" "$1.run" &&
	test_grep "^workspace $TRASH/ws$" "$1.out" &&
	test_grep "^dataset iris@1: 150 rows, 5 columns$" "$1.out" &&
	test_grep "^status FINISHED$" "$1.out" &&
	acc=$(sed -n "s/^test_accuracy //p" "$1.out") &&
	awk -v a="$acc" "BEGIN { exit !(a ~ /^[0-9.]+\$/ && a >= 0.8 && a <= 1) }" &&
	test_grep "^model classification, 3 outputs per row$" "$1.out" &&
	sed -n "s/ (p=.*//p" "$1.out" | grep "^row" >"$1.predicted" &&
	test_cmp expect.predicted "$1.predicted"
}

test_must_be_empty() {
	if [ -s "$1" ]; then
		echo "'$1' is not empty; it holds:" >&2
		sed 's/^/    /' "$1" >&2
		return 1
	fi
}

cat >expect.predicted <<EOF
row 0: setosa, predicted class 0
row 50: versicolor, predicted class 1
row 100: virginica, predicted class 2
EOF

test_expect_success 'libcairn.so has the soname libcairn.so.MAJOR and its two symlinks' '
	for dir in "$SRC_ROOT" "$PREFIX/lib"; do
		readelf -d "$dir/libcairn.so.$VERSION" >dynamic &&
		test_grep "\(SONAME\) +Library soname: \[libcairn\.so\.$MAJOR\]" dynamic &&
		test "$(readlink "$dir/libcairn.so.$MAJOR")" = "libcairn.so.$VERSION" &&
		test "$(readlink "$dir/libcairn.so")" = "libcairn.so.$MAJOR" || exit 1
	done
'

test_expect_success 'libcairn.so exports cairn_* symbols only, none cairn__*' '
	nm -D --defined-only "$PREFIX/lib/libcairn.so.$VERSION" >nm.out &&
	awk "{ print \$NF }" nm.out | sort -u >exported &&
	test "$(wc -l <exported)" -gt 100 &&
	test_grep "^cairn_train$" exported &&
	! grep -v "^cairn_" exported >bad &&
	! grep "^cairn__" exported >>bad &&
	test_must_be_empty bad
'

test_expect_success 'every function declared under include/cairn/ is exported' '
	for h in "$PREFIX"/include/cairn/*.h; do
		echo "#include <cairn/$(basename "$h")>"
	done >all.c &&
	cc -E -P -I"$PREFIX/include" all.c >all.i &&
	tr "\n" " " <all.i | tr ";{}" "\n\n\n" | grep -v "^ *typedef " |
		grep -oE "\bcairn_[a-z0-9_]+ *\(" | sed "s/ *(\$//" | sort -u >declared &&
	test "$(wc -l <declared)" -gt 100 &&
	comm -23 declared exported >missing &&
	test_must_be_empty missing
'

# Each header alone, as a program gets it: the C compiler's own dialect (a
# header may need POSIX types, which strict -std=c11 hides) and C++11.
test_expect_success 'the installed headers are include/cairn/*.h; each compiles alone in C and C++' '
	(cd "$SRC_ROOT/include/cairn" && ls *.h) >expect &&
	(cd "$PREFIX/include/cairn" && ls *.h) >actual &&
	test_cmp expect actual &&
	for h in $(cat actual); do
		echo "#include <cairn/$h>" >one.c &&
		cc -Wall -Wextra -Werror -fsyntax-only -I"$PREFIX/include" one.c &&
		g++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ -I"$PREFIX/include" one.c ||
		{ echo "cairn/$h does not compile alone" >&2; exit 1; }
	done
'

test_expect_success 'cairn.pc gives the version, the flags and the static dependencies' '
	test "$(pkg-config --modversion cairn)" = "$VERSION" &&
	test "$(pkg-config --variable=includedir cairn)" = "$PREFIX/include" &&
	pkg-config --cflags cairn >cflags &&
	test_grep "(^| )-I$PREFIX/include( |\$)" cflags &&
	pkg-config --libs cairn >libs &&
	test_grep "^-L$PREFIX/lib -lcairn -ljansson *\$" libs &&
	pkg-config --static --libs cairn >static &&
	for l in -lcairn -ljansson -lcrypto -lsqlite3 -lyaml -llbfgs -ldl -lm; do
		grep -q -e " $l " -e " $l\$" static || { echo "no $l in: $(cat static)" >&2; exit 1; }
	done
'

# The tree is built already: -o all installs it as it is, whatever flags
# built it, and the make that runs this test is not consulted.
make_installed() {
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -C "$SRC_ROOT" --no-print-directory -o all "$@" DESTDIR="$TRASH/stage" PREFIX=/usr
}

test_expect_success 'make install DESTDIR=... PREFIX=/usr stages every file; make uninstall removes them' '
	make_installed install >install.log &&
	(cd stage && find . ! -type d | sort) >files &&
	(cd "$SRC_ROOT/include/cairn" && ls *.h) | sed "s|^|./usr/include/cairn/|" >headers &&
	grep "^./usr/include/" files >installed-headers &&
	test_cmp headers installed-headers &&
	for f in ./usr/bin/cairn ./usr/lib/libcairn.a ./usr/lib/libcairn.so \
		./usr/lib/libcairn.so.$MAJOR ./usr/lib/libcairn.so.$VERSION \
		./usr/lib/pkgconfig/cairn.pc ./usr/share/doc/cairn/README.md \
		./usr/share/doc/cairn/docs/README.md; do
		grep -qx "$f" files || { echo "not installed: $f" >&2; exit 1; }
	done &&
	test -L stage/usr/lib/libcairn.so && test -L stage/usr/lib/libcairn.so.$MAJOR &&
	test_grep "^prefix=/usr$" stage/usr/lib/pkgconfig/cairn.pc &&
	test_grep "^libdir=/usr/lib$" stage/usr/lib/pkgconfig/cairn.pc &&
	stage/usr/bin/cairn version >/dev/null &&
	make_installed uninstall >uninstall.log &&
	(cd stage && find . ! -type d) >left &&
	test_must_be_empty left
'

test_expect_success 'the C example, linked with libcairn.so, trains a model and predicts' '
	readelf -d "$EXAMPLES/embed" >dynamic &&
	test_grep "\(NEEDED\) +Shared library: \[libcairn\.so\.$MAJOR\]" dynamic &&
	run_example embed
'

test_expect_success 'the C++ example does the same' '
	readelf -d "$EXAMPLES/embed-cpp" >dynamic &&
	test_grep "\(NEEDED\) +Shared library: \[libcairn\.so\.$MAJOR\]" dynamic &&
	test_grep "\(NEEDED\) +Shared library: \[libstdc\+\+" dynamic &&
	run_example embed-cpp
'

test_expect_success 'the C example linked with libcairn.a (pkg-config --static) does the same' '
	readelf -d "$EXAMPLES/embed-static" >dynamic &&
	! grep -q libcairn dynamic &&
	run_example embed-static
'

test_expect_success 'cairn runs list shows the examples runs in their workspace' '
	cairn -C ws runs list >runs &&
	for e in embed embed-cpp embed-static; do
		test_grep "^$(cat $e.run) +FINISHED .* embed +embed-c(pp)?\$" runs || exit 1
	done &&
	cairn -C ws data list >data &&
	test_grep "^iris" data
'

test_done
