# cairn: plain Makefile.
#   make                    build libcairn.a and the cairn binary
#   make DEVELOPER=1        warnings are errors
#   make SANITIZE=address,undefined   build with sanitizers
#   make test               unit and end-to-end tests, ends with "N passed, N failed"
#   make bench              benchmarks, each printing a ratio against a peer or a limit
#   make demo               install what is missing, build, and run the demo
#   make deps               install the Debian packages cairn needs (when missing)

CC ?= cc
# Linked libraries, and libraries loaded with dlopen() by the few commands
# that need them (src/core/dynlib.h): only their headers are used at build time.
PKGS := libcrypto jansson sqlite3 yaml-0.1
LOADED_PKGS := libcurl libpq
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -I. -MMD -MP -pthread \
	$(shell pkg-config --cflags $(PKGS) $(LOADED_PKGS) 2>/dev/null)
# liblbfgs (multinomial logistic regression) is named directly: -llbfgs is
# all its pkg-config file says, and not every packaging ships that file.
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcrypto -ljansson -lsqlite3 -lyaml) -llbfgs -ldl -pthread -lm

WARNINGS := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-unused-parameter -Wvla
ifdef DEVELOPER
WARNINGS += -Werror
endif
ifdef SANITIZE
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ALL_CFLAGS = $(BASE_CFLAGS) $(WARNINGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

LIB_SRCS := $(sort $(wildcard src/*/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=build/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=build/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=build/%.o)
EXAMPLE_SRCS := $(sort $(wildcard examples/*.c))
EXAMPLES := $(EXAMPLE_SRCS:%.c=build/%)
# C programs of the benchmarks that link libcairn (gen-csv.c stands alone).
BENCH_PROGS := $(patsubst %.c,build/%,$(filter-out bench/gen-csv.c,$(wildcard bench/*.c)))

VERSION := $(shell cat VERSION)

# Short build lines; V=1 shows the full commands.
ifndef V
QUIET_CC = @echo '   CC $@';
QUIET_AR = @echo '   AR $@';
QUIET_LINK = @echo ' LINK $@';
endif

all: cairn libcairn.a

# Rebuild everything when the flags change, as git does with GIT-CFLAGS.
build/FLAGS: FORCE
	@mkdir -p build
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(VERSION)' > build/FLAGS.new
	@if cmp -s build/FLAGS.new build/FLAGS; then rm build/FLAGS.new; \
	 else mv build/FLAGS.new build/FLAGS; echo "    * new build flags"; fi

build/%.o: %.c build/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -DCAIRN_VERSION='"$(VERSION)"' -c -o $@ $<

libcairn.a: $(LIB_OBJS)
	@rm -f $@
	$(QUIET_AR)ar rcs $@ $^

cairn: $(CLI_OBJS) libcairn.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) libcairn.a $(LIBS)

# The unit tests also check the program's log sink (cli/output.c).
build/tests/unit-tests: $(UNIT_OBJS) build/cli/output.o libcairn.a
	$(QUIET_LINK)$(CC) $(ALL_LDFLAGS) -o $@ $(UNIT_OBJS) build/cli/output.o libcairn.a $(LIBS)

# Programs that link libcairn: the examples and the benchmarks' C programs.
LINK_PROGRAM = @mkdir -p $(dir $@)
build/examples/%: examples/%.c libcairn.a build/FLAGS
	$(LINK_PROGRAM)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< libcairn.a $(LIBS)

build/bench/%: bench/%.c libcairn.a build/FLAGS
	$(LINK_PROGRAM)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< libcairn.a $(LIBS)

test: cairn build/tests/unit-tests $(EXAMPLES) fuzzers
	@sh tests/run.sh

# Fuzz targets (fuzz/fuzz-*.c) need clang's libFuzzer; they are built from the
# library sources with their own flags. `make test` replays a short run of
# each (tests/e2e/t0005-fuzz.sh); `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZERS := $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz-*.c))
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

build/fuzz/%: fuzz/%.c $(LIB_SRCS) $(wildcard include/cairn/*.h src/*/*.h tests/*.h) build/FLAGS
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(FUZZ_CC) $(FUZZ_FLAGS) $(filter-out -MMD -MP,$(BASE_CFLAGS)) \
		-DCAIRN_VERSION='"$(VERSION)"' -o $@ $< $(LIB_SRCS) $(LIBS)

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
	rm -rf build cairn libcairn.a tests/e2e/trash.* bench/work

.PHONY: all test bench deps demo clean fuzz fuzzers FORCE
-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
