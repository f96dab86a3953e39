# cairn: plain Makefile.
#   make                    build libcairn.a, libcairn.so and the cairn binary
#   make DEVELOPER=1        warnings are errors
#   make SANITIZE=address,undefined   build with sanitizers
#   make install [PREFIX=/usr/local] [DESTDIR=DIR]   install the binary, the
#                           libraries, the public headers, cairn.pc and the docs
#   make uninstall [PREFIX=/usr/local] [DESTDIR=DIR]
#   make examples           build examples/ against a copy installed in build/install
#   make test               unit and end-to-end tests, ends with "N passed, N failed"
#   make fuzz               run each fuzz target for FUZZ_SECONDS
#   make bench              benchmarks, each printing a ratio against a peer or a limit
#   make demo               install what is missing, build, and run the demo
#   make deps               install the Debian packages cairn needs (when missing)

CC ?= cc
CXX ?= g++
# Linked libraries, and libraries loaded with dlopen() by the few commands
# that need them (src/core/dynlib.h): only their headers are used at build
# time. libxgboost and liblinear are loaded the same way; their headers are
# in the default include path.
PKGS := libcrypto jansson sqlite3 yaml-0.1 libzstd libmicrohttpd
LOADED_PKGS := libcurl libpq
CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -I. -MMD -MP -pthread \
	$(shell pkg-config --cflags $(PKGS) $(LOADED_PKGS) 2>/dev/null)
# liblbfgs (multinomial logistic regression) is named directly: -llbfgs is
# all its pkg-config file says, and not every packaging ships that file.
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcrypto -ljansson -lsqlite3 -lyaml -lzstd -lmicrohttpd) -llbfgs -ldl -pthread -lm

WARNINGS := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-unused-parameter -Wvla
# The same for C++ (examples/*.cpp), less the warnings that only C has.
CXX_WARNINGS := -Wall -Wextra -Wshadow -Wpointer-arith -Wformat=2 \
	-Wno-unused-parameter -Wvla
ifdef DEVELOPER
WARNINGS += -Werror
CXX_WARNINGS += -Werror
endif
ifdef SANITIZE
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ALL_CFLAGS = $(BASE_CFLAGS) $(WARNINGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
# Library objects go into both libcairn.a and libcairn.so: position
# independent, and hidden unless a public header (CAIRN_BEGIN_DECLS in
# include/cairn/common.h) declares them.
LIB_CFLAGS := -fPIC -fvisibility=hidden

VERSION := $(shell cat VERSION)
# libcairn.so.0.1.0, with the soname libcairn.so.0 (the major version).
SHLIB := libcairn.so.$(VERSION)
SONAME := libcairn.so.$(firstword $(subst ., ,$(VERSION)))
# Exports only cairn_* (not cairn__*), whatever the visibility said.
SHLIB_MAP := libcairn.map
SHLIB_LDFLAGS := -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(SHLIB_MAP)
ifndef SANITIZE
# Every symbol resolved at link time (the sanitizers' runtimes are not
# linked into a shared library by every compiler, so not with them).
SHLIB_LDFLAGS += -Wl,--no-undefined
endif

LIB_SRCS := $(sort $(wildcard src/*/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=build/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=build/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=build/%.o)
PUBLIC_HEADERS := $(sort $(wildcard include/cairn/*.h))
# C programs of the benchmarks that link libcairn (gen-csv.c stands alone).
BENCH_PROGS := $(patsubst %.c,build/%,$(filter-out bench/gen-csv.c,$(wildcard bench/*.c)))

# Short build lines; V=1 shows the full commands.
ifndef V
QUIET_CC = @echo '   CC $@';
QUIET_CXX = @echo '  CXX $@';
QUIET_AR = @echo '   AR $@';
QUIET_LINK = @echo ' LINK $@';
QUIET_GEN = @echo '  GEN $@';
endif

all: cairn libcairn.a libcairn.so

# Rebuild everything when the flags change, as git does with GIT-CFLAGS.
build/FLAGS: FORCE
	@mkdir -p build
	@echo '$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) $(ALL_LDFLAGS) $(VERSION)' > build/FLAGS.new
	@if cmp -s build/FLAGS.new build/FLAGS; then rm build/FLAGS.new; \
	 else mv build/FLAGS.new build/FLAGS; echo "    * new build flags"; fi

$(LIB_OBJS): build/%.o: %.c build/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -DCAIRN_VERSION='"$(VERSION)"' -c -o $@ $<

build/%.o: %.c build/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -DCAIRN_VERSION='"$(VERSION)"' -c -o $@ $<

libcairn.a: $(LIB_OBJS)
	@rm -f $@
	$(QUIET_AR)ar rcs $@ $^

$(SHLIB): $(LIB_OBJS) $(SHLIB_MAP)
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) $(SHLIB_LDFLAGS) -o $@ $(LIB_OBJS) $(LIBS)

# libcairn.so -> libcairn.so.0 -> libcairn.so.0.1.0, as they are installed.
$(SONAME): $(SHLIB)
	@ln -sf $(SHLIB) $@

libcairn.so: $(SONAME)
	@ln -sf $(SONAME) $@

# The binary links the static archive: it uses internal (cairn__) functions.
cairn: $(CLI_OBJS) libcairn.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) libcairn.a $(LIBS)

# The unit tests also check the program's log sink (cli/output.c).
build/tests/unit-tests: $(UNIT_OBJS) build/cli/output.o libcairn.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) build/cli/output.o libcairn.a $(LIBS)

build/bench/%: bench/%.c libcairn.a build/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< libcairn.a $(LIBS)

# Installation. There are no man pages: the docs (Markdown) go to DOCDIR.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DOCDIR ?= $(PREFIX)/share/doc/cairn
INSTALL ?= install
DOC_FILES := README.md LICENSE $(sort $(shell find docs -type f -name '*.md'))

install: all
	$(INSTALL) -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(LIBDIR)' '$(DESTDIR)$(PKGCONFIGDIR)'
	$(INSTALL) -m 755 cairn '$(DESTDIR)$(BINDIR)/cairn'
	$(INSTALL) -m 644 libcairn.a '$(DESTDIR)$(LIBDIR)/libcairn.a'
	$(INSTALL) -m 755 $(SHLIB) '$(DESTDIR)$(LIBDIR)/$(SHLIB)'
	ln -sf $(SHLIB) '$(DESTDIR)$(LIBDIR)/$(SONAME)'
	ln -sf $(SONAME) '$(DESTDIR)$(LIBDIR)/libcairn.so'
	@# include/cairn/ is the public set, replaced whole so no stale header stays.
	rm -rf '$(DESTDIR)$(INCLUDEDIR)/cairn'
	$(INSTALL) -d '$(DESTDIR)$(INCLUDEDIR)/cairn'
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) '$(DESTDIR)$(INCLUDEDIR)/cairn'
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		cairn.pc.in > '$(DESTDIR)$(PKGCONFIGDIR)/cairn.pc'
	rm -rf '$(DESTDIR)$(DOCDIR)'
	@for f in $(DOC_FILES); do \
		$(INSTALL) -D -m 644 "$$f" "$(DESTDIR)$(DOCDIR)/$$f" || exit 1; \
	done
	@echo 'installed cairn $(VERSION) in $(DESTDIR)$(PREFIX)'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/cairn' '$(DESTDIR)$(LIBDIR)/libcairn.a' \
		'$(DESTDIR)$(LIBDIR)/$(SHLIB)' '$(DESTDIR)$(LIBDIR)/$(SONAME)' \
		'$(DESTDIR)$(LIBDIR)/libcairn.so' '$(DESTDIR)$(PKGCONFIGDIR)/cairn.pc'
	rm -rf '$(DESTDIR)$(INCLUDEDIR)/cairn' '$(DESTDIR)$(DOCDIR)'

# `make test` installs into a private prefix and builds the examples against
# that installation with pkg-config, as a program outside the tree would.
TEST_PREFIX := $(CURDIR)/build/install
TEST_PKG_CONFIG = PKG_CONFIG_PATH='$(TEST_PREFIX)/lib/pkgconfig' pkg-config

build/install/.installed: cairn libcairn.a libcairn.so cairn.pc.in $(PUBLIC_HEADERS) $(DOC_FILES)
	@echo ' INST $(TEST_PREFIX)'
	@$(MAKE) --no-print-directory install DESTDIR= PREFIX='$(TEST_PREFIX)' \
		BINDIR='$(TEST_PREFIX)/bin' LIBDIR='$(TEST_PREFIX)/lib' \
		INCLUDEDIR='$(TEST_PREFIX)/include' PKGCONFIGDIR='$(TEST_PREFIX)/lib/pkgconfig' \
		DOCDIR='$(TEST_PREFIX)/share/doc/cairn' >build/install.log
	@touch $@

# Examples: examples/NAME.c builds build/examples/NAME, examples/NAME.cpp
# builds build/examples/NAME-cpp (with the C++ compiler), both linked with
# the installed libcairn.so (found at run time through an rpath);
# build/examples/embed-static is embed.c linked with the installed
# libcairn.a (pkg-config --static; --as-needed drops the shared libcairn
# that --libs names again). With SANITIZE they are built with the
# sanitizers too, as the library they load is.
EXAMPLE_C := $(sort $(wildcard examples/*.c))
EXAMPLE_CXX := $(sort $(wildcard examples/*.cpp))
EXAMPLES := $(EXAMPLE_C:examples/%.c=build/examples/%) \
	$(EXAMPLE_CXX:examples/%.cpp=build/examples/%-cpp) build/examples/embed-static

build/examples/%: examples/%.c build/install/.installed
	@mkdir -p $(dir $@)
	$(QUIET_LINK)flags=$$($(TEST_PKG_CONFIG) --cflags --libs cairn) && \
	libdir=$$($(TEST_PKG_CONFIG) --variable=libdir cairn) && \
	$(CC) -std=c11 $(WARNINGS) $(SAN_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$$flags -Wl,-rpath,"$$libdir"

build/examples/%-cpp: examples/%.cpp build/install/.installed
	@mkdir -p $(dir $@)
	$(QUIET_LINK)flags=$$($(TEST_PKG_CONFIG) --cflags --libs cairn) && \
	libdir=$$($(TEST_PKG_CONFIG) --variable=libdir cairn) && \
	$(CXX) -std=c++11 $(CXX_WARNINGS) $(SAN_FLAGS) $(CXXFLAGS) $(LDFLAGS) -o $@ $< \
		$$flags -Wl,-rpath,"$$libdir"

build/examples/%-static: examples/%.c build/install/.installed
	@mkdir -p $(dir $@)
	$(QUIET_LINK)cflags=$$($(TEST_PKG_CONFIG) --cflags cairn) && \
	libs=$$($(TEST_PKG_CONFIG) --static --libs cairn) && \
	$(CC) -std=c11 $(WARNINGS) $(SAN_FLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$$cflags -Wl,-Bstatic -lcairn -Wl,-Bdynamic -Wl,--as-needed $$libs

examples: $(EXAMPLES)

# What the tests need builds on every core when no -j was given.
test:
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$$(nproc)) \
		all build/tests/unit-tests $(EXAMPLES) fuzzers
	@sh tests/run.sh

# Fuzz targets (fuzz/fuzz-*.c) need clang's libFuzzer. The library is built
# once with the fuzzer's coverage instrumentation and the sanitizers, into
# build/fuzz/libcairn-fuzz.a, and every target links it. `make test` replays
# each seed corpus and a short run of each (tests/e2e/t0005-fuzz.sh, for
# FUZZ_SECONDS when set); `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZERS := $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz-*.c))
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
	$(BASE_CFLAGS) -DCAIRN_VERSION='"$(VERSION)"'
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build/fuzz/obj/%.o)
FUZZ_OBJS := $(FUZZERS:build/fuzz/%=build/fuzz/obj/fuzz/%.o)

# The fuzz objects have flags of their own, independent of SANITIZE and
# DEVELOPER: switching those does not rebuild them.
build/fuzz/FLAGS: FORCE
	@mkdir -p build/fuzz
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' > build/fuzz/FLAGS.new
	@if cmp -s build/fuzz/FLAGS.new build/fuzz/FLAGS; then rm build/fuzz/FLAGS.new; \
	 else mv build/fuzz/FLAGS.new build/fuzz/FLAGS; fi

build/fuzz/obj/%.o: %.c build/fuzz/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/libcairn-fuzz.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(QUIET_AR)ar rcs $@ $^

# Kept, not removed as intermediate files: their .d files name them.
.SECONDARY: $(FUZZ_OBJS)
build/fuzz/fuzz-%: build/fuzz/obj/fuzz/fuzz-%.o build/fuzz/libcairn-fuzz.a
	$(QUIET_LINK)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
		build/fuzz/libcairn-fuzz.a $(LIBS)

fuzzers:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(FUZZERS); \
	else echo "    * $(FUZZ_CC) not found: fuzz targets not built"; fi

fuzz: fuzzers
	@for f in $(FUZZERS); do \
		name=$${f#build/fuzz/fuzz-}; mkdir -p build/fuzz/corpus-$$name; \
		echo "fuzzing $$name for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			build/fuzz/corpus-$$name fuzz/corpus/$$name || exit 1; \
	done

bench: cairn $(BENCH_PROGS)
	@sh bench/run.sh

deps:
	@sh scripts/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

clean:
	rm -rf build cairn libcairn.a libcairn.so libcairn.so.* tests/e2e/trash.* bench/work

.PHONY: all install uninstall examples test bench deps demo clean fuzz fuzzers FORCE
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
