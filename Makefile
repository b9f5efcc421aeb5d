# Parapet — one GNU Makefile. pkg-config for every library.
# Targets: deps all test demo asan valgrind fuzz fuzz-replay bench install clean (see README.md).

# LAZY_PKGS are not linked: engine/net/lazy.c opens them at first use (their headers are
# needed, and their runtime packages come with the -dev ones), so that check, rules, explain
# and kb do not map the network stack, and check and rules not SQLite either (its BIND_NOW
# symbol bindings were most of the dynamic loader's work at every start). SHA-256/HMAC are
# engine/base/crypto.c's own.
LINK_PKGS := jansson yaml-0.1 lua5.4 libpcre2-8
LAZY_PKGS := libcurl libmicrohttpd sqlite3
PKGS      := $(LINK_PKGS) $(LAZY_PKGS)
TEST_PKGS := cmocka
# Debian 12 package for each pkg-config name above, same order.
DEB_PKGS  := libjansson-dev libyaml-dev liblua5.4-dev libpcre2-dev libsqlite3-dev \
             libcurl4-openssl-dev libmicrohttpd-dev libcmocka-dev pkg-config

CC       ?= cc
BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
SAN      ?=
WARN     := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 \
            -Wno-format-nonliteral -Werror
CFLAGS   ?= -O2 -g
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)
TEST_CFLAGS = $(shell pkg-config --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN) -I. $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SAN) $(LDFLAGS)
LIBS     = $(PKG_LIBS) -lpthread -lm

ENGINE_SRC  := $(wildcard engine/*.c engine/base/*.c engine/net/*.c engine/store/*.c)
ADVISOR_SRC := $(wildcard advisor/*.c)
HOOKS_SRC   := $(filter-out hooks/main.c,$(wildcard hooks/*.c))
LIB_SRC     := $(ENGINE_SRC) $(ADVISOR_SRC) $(HOOKS_SRC)
LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ    := $(BUILD)/obj/hooks/main.o
LIBPP       := $(BUILD)/libparapet.a
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test lint-shape unit cases robust integration demo asan bench bench-check bench-explain bench-serve \
        bench-lambda bench-startup bench-state install clean ct-ref difftest bench-guard fuzz fuzz-build fuzz-replay valgrind

# The Control Tower reference (issue: Control Tower parity): the npm package that ships
# cfn-guard 3.1.1 and the Guard rules. Installed under tests/.cache, never committed.
CT_PKG_VERSION := 0.0.62
CT_DIR         := tests/.cache/cfnguard
CT_GUARD       := $(CT_DIR)/package/bin/ubuntu/x86_64/cfn-guard
CT_RULES       := $(CT_DIR)/package/rules/control-tower

all: $(BUILD)/parapet $(BUILD)/kb.db $(BUILD)/rules.cache $(BUILD)/man/parapet.1

# Commands the build and the tests use, as command:Debian-package.
DEB_TOOLS := pkg-config:pkg-config python3:python3 curl:curl zip:zip objdump:binutils clang:clang \
             wrk:wrk xmllint:libxml2-utils promtool:prometheus mandoc:mandoc zsh:zsh \
             pre-commit:pre-commit git:git
# clang alone does not bring the sanitizer runtimes that make asan links against
# nor libFuzzer, which make fuzz links against (same package)
DEB_RUNTIMES := /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.a:libclang-rt-14-dev \
                /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev

deps:
	@missing=""; set -- $(DEB_PKGS); \
	for p in $(PKGS) $(TEST_PKGS); do \
	  deb=$$1; shift; \
	  pkg-config --exists $$p 2>/dev/null || missing="$$missing $$deb"; \
	done; \
	for t in $(DEB_TOOLS); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; \
	done; \
	for t in $(DEB_RUNTIMES); do \
	  [ -e $${t%%:*} ] || missing="$$missing $${t#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "deps: all present"; fi

# The one file that knows the install prefix (the last place it looks for rules and kb.db).
$(BUILD)/obj/hooks/cli_common.o: ALL_CFLAGS += -DPP_PREFIX='"$(PREFIX)"'

# The sonames engine/net/lazy.c opens: what the -dev packages' lib*.so links name.
soname = $(or $(shell objdump -p "$$(pkg-config --variable=libdir $(1) 2>/dev/null)/lib$(2).so" \
  2>/dev/null | awk '$$1 == "SONAME" { print $$2 }'),$(3))
$(BUILD)/obj/engine/net/lazy.o: ALL_CFLAGS += \
  -DPP_SONAME_CURL='"$(call soname,libcurl,curl,libcurl.so.4)"' \
  -DPP_SONAME_MHD='"$(call soname,libmicrohttpd,microhttpd,libmicrohttpd.so.12)"' \
  -DPP_SONAME_SQLITE='"$(call soname,sqlite3,sqlite3,libsqlite3.so.0)"'

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBPP): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/parapet: $(MAIN_OBJ) $(LIBPP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBPP) $(LIBS)

# The built-in rules precompiled (engine/rules_cache.h); used by default for the built-in folder.
$(BUILD)/rules.cache: $(BUILD)/parapet $(shell find rules -type d -o -name '*.lua' -o -name '*.tsv')
	$(BUILD)/parapet rules compile rules -o $@ >/dev/null
	chmod 644 $@

# parapet(1) and the bash/zsh completions, generated from the binary's --help (docs/man/).
$(BUILD)/man/parapet.1: $(BUILD)/parapet docs/man/mkman.py docs/man/parapet.1.in
	python3 docs/man/mkman.py $(BUILD)/parapet $(BUILD)/man

# The knowledge base: kb/*.yaml compiled to SQLite with an FTS5 index (docs/kb.md). The
# folder is a prerequisite too: deleting an entry changes only the folder's time.
$(BUILD)/kb.db: kb $(wildcard kb/*.yaml) $(BUILD)/parapet
	$(BUILD)/parapet kb build --src kb --out $@

$(BUILD)/tests/%: tests/unit/%.c $(LIBPP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -o $@ $< $(LIBPP) $(LIBS) $(TEST_LIBS)

# test_state edits a state file behind the store's back (another sender's claim), with SQLite
# itself: the binary opens libsqlite3 at first use, the test links it.
$(BUILD)/tests/test_state: TEST_LIBS += $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	  CMOCKA_MESSAGE_OUTPUT=stdout PARAPET_TEST_ROOT=$(CURDIR) $$t || fail=1; \
	done; exit $$fail

# How well explain keeps its answer for train messages pasted as users paste them (wrapped,
# JSON-escaped, HTML entities, typographic quotes): a measure, printed, never a gate.
robust: $(BUILD)/parapet $(BUILD)/kb.db
	@PARAPET=$(CURDIR)/$(BUILD)/parapet python3 tests/cases/explain/robust.py

cases: $(BUILD)/parapet $(BUILD)/kb.db
	@PARAPET=$(CURDIR)/$(BUILD)/parapet sh tests/cases/run.sh
	@PARAPET=$(CURDIR)/$(BUILD)/parapet sh tests/cases/explain/run.sh
	@PARAPET=$(CURDIR)/$(BUILD)/parapet python3 tests/cases/explain/corpus.py
	@printf 'PCRE2 interpreter (PARAPET_PCRE2_JIT=0): '; PARAPET_PCRE2_JIT=0 \
	  PARAPET=$(CURDIR)/$(BUILD)/parapet python3 tests/cases/explain/corpus.py
	@python3 tests/corpus/corpus.py check
	@PARAPET=$(CURDIR)/$(BUILD)/parapet python3 tests/cases/explain/score.py $(SCORE_FLOORS)

# The failure corpus's scores (tests/corpus): floors that fail `make cases` when the advisor
# regresses on the holdout (the figures themselves are in docs/benchmarks.md).
SCORE_FLOORS ?= --min-holdout-right 72 --max-holdout-high-wrong 2

integration: $(BUILD)/parapet
	@PARAPET=$(CURDIR)/$(BUILD)/parapet sh tests/integration/run.sh

# Shape: no C file over 900 lines, no function over 120 (tests/lint/shape.py, allowlist in
# tests/lint/shape.allow); test_shape.py checks the checker on generated fixtures.
lint-shape:
	@python3 tests/lint/test_shape.py >/dev/null || python3 tests/lint/test_shape.py
	@python3 tests/lint/shape.py

test: deps lint-shape
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit cases integration fuzz-replay
	@$(BUILD)/parapet rules test
	@$(BUILD)/parapet kb lint
	@sh tests/difftest/selftest.sh
	@echo "make test: all suites passed"

demo: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/parapet check examples/*.yaml examples/*.json; rc=$$?; \
	echo "demo: parapet check exited $$rc (1: findings reported, as examples/web-stack.yaml should)"; \
	[ $$rc -le 1 ]
	@echo "demo: ECS Express Mode, network pack: a private service that passes, a public one that fails"
	@$(BUILD)/parapet check --pack network examples/express-private.yaml; rc=$$?; \
	echo "demo: express-private.yaml exited $$rc (0: passes)"; [ $$rc -eq 0 ]
	@$(BUILD)/parapet check --pack network examples/express-public.yaml; rc=$$?; \
	echo "demo: express-public.yaml exited $$rc (1: findings reported)"; [ $$rc -le 1 ]

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang); any report fails.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
            UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87 \
            PARAPET_TEST_CC=clang PARAPET_TEST_SAN="-fsanitize=address,undefined"
asan: deps
	@$(ASAN_ENV) $(MAKE) --no-print-directory BUILD=build/asan CC=clang \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  all unit cases integration fuzz-replay
	@$(ASAN_ENV) build/asan/parapet rules test >/dev/null
	@$(ASAN_ENV) build/asan/parapet kb lint >/dev/null
	@echo "make asan: clean"

# The integration tests with every parapet process under valgrind's memcheck
# (tests/integration/valgrind-parapet.sh): any memory error or definite/indirect leak fails.
# Tests whose figures mean nothing under memcheck skip and say so. Not in `make test` (slow).
VG_LOGS := $(BUILD)/valgrind/logs
valgrind: all
	@command -v valgrind >/dev/null || { echo "make valgrind: valgrind is not installed"; exit 1; }
	@rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS)
	@# beside the binary, so that tests find kb.db and the zip next to $$PARAPET as usual
	@install -m 755 tests/integration/valgrind-parapet.sh $(BUILD)/parapet-valgrind
	@PARAPET_VALGRIND_BIN=$(CURDIR)/$(BUILD)/parapet PARAPET_VALGRIND_LOGS=$(CURDIR)/$(VG_LOGS) \
	  PARAPET=$(CURDIR)/$(BUILD)/parapet-valgrind sh tests/integration/run.sh; rc=$$?; \
	  n=$$(ls $(VG_LOGS) | wc -l); bad=$$(find $(VG_LOGS) -type f -size +0 | wc -l); \
	  find $(VG_LOGS) -type f -size +0 -exec sh -c 'echo "== $$1"; head -40 "$$1"' _ {} \; ; \
	  echo "make valgrind: $$n processes under memcheck, $$bad with errors or leaks"; \
	  [ $$rc -eq 0 ] && [ $$bad -eq 0 ]

# Every benchmark, then one summary table at the top of docs/benchmarks.md (tests/bench/summary.py).
# A benchmark that cannot run says why and the others go on; nothing here fails on speed.
BENCH_SUM := build/bench/summary
bench: all
	@rm -rf $(BENCH_SUM) && mkdir -p $(BENCH_SUM) && cp /proc/loadavg $(BENCH_SUM)/loadavg
	@sh tests/bench/run.sh $(BUILD)/parapet || echo "bench: bench-check did not complete"
	@sh tests/bench/explain.sh $(BUILD)/parapet || echo "bench: bench-explain did not complete"
	@sh tests/bench/serve.sh $(BUILD)/parapet || echo "bench: bench-serve did not complete"
	@python3 tests/bench/lambda.py $(BUILD)/parapet || echo "bench: bench-lambda did not complete"
	@python3 tests/bench/startup.py $(BUILD)/parapet || echo "bench: bench-startup did not complete"
	@sh tests/bench/state.sh $(BUILD)/parapet || echo "bench: bench-state did not complete"
	@$(MAKE) --no-print-directory bench-guard || \
	  echo "bench: bench-guard did not run (it needs cfn-guard: make ct-ref, which needs npm)"
	@python3 tests/bench/summary.py $(BENCH_SUM)

bench-check: all
	@sh tests/bench/run.sh $(BUILD)/parapet

bench-explain: all
	@sh tests/bench/explain.sh $(BUILD)/parapet

# POST /hook throughput against serve (tests/bench/loadgen.c, libcurl multi).
bench-serve: all
	@sh tests/bench/serve.sh $(BUILD)/parapet

# Task clock and instructions of a start: /bin/true, --version, a one-resource check (issue 20).
# BENCH_BASELINE=path/to/other/parapet measures that binary in the same rounds.
bench-startup: all
	@python3 tests/bench/startup.py $(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE)) \
	  $(BUILD)/parapet

# Lambda init and invocation latency against a stand-in Runtime API on loopback.
bench-lambda: all
	@python3 tests/bench/lambda.py $(BUILD)/parapet

# Outbox queue + claim + deliver cycles on SQLite and on DynamoDB (moto_server on loopback).
bench-state: all
	@sh tests/bench/state.sh $(BUILD)/parapet

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/parapet/rules \
	  $(DESTDIR)$(PREFIX)/share/doc/parapet
	install -m 755 $(BUILD)/parapet $(DESTDIR)$(PREFIX)/bin/parapet
	install -m 644 $(BUILD)/kb.db $(DESTDIR)$(PREFIX)/share/parapet/kb.db
	install -m 644 $(BUILD)/rules.cache $(DESTDIR)$(PREFIX)/share/parapet/rules.cache
	cp -R rules/. $(DESTDIR)$(PREFIX)/share/parapet/rules/
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/parapet/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 644 $(BUILD)/man/parapet.1 $(DESTDIR)$(PREFIX)/share/man/man1/parapet.1
	install -m 644 $(BUILD)/man/parapet.bash \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/parapet
	install -m 644 $(BUILD)/man/_parapet $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_parapet

$(CT_GUARD):
	@command -v npm >/dev/null || { echo "ct-ref: npm is missing (apt-get install npm)"; exit 1; }
	mkdir -p $(CT_DIR)
	cd $(CT_DIR) && npm pack --silent @cdklabs/cdk-validator-cfnguard@$(CT_PKG_VERSION) >/dev/null && \
	  tar xzf cdklabs-cdk-validator-cfnguard-$(CT_PKG_VERSION).tgz && chmod +x package/bin/ubuntu/x86_64/cfn-guard

ct-ref: $(CT_GUARD)

# Differential harness: every control's Guard file against the control-tower pack on seeded
# generated templates (build/difftest/). DIFFTEST_ONLY='CT.EC2.*' narrows it down;
# DIFFTEST_ALLOW_MISSING=1 tolerates controls that have no rule yet. See docs/controls.md.
difftest: all ct-ref
	@python3 tests/difftest/run.py --parapet $(BUILD)/parapet --guard $(CT_GUARD) --ct $(CT_RULES)

# cfn-guard against parapet on the EC2/ECS/RDS controls (500 resources), and the whole pack
# on 5,000 resources; writes the "Control Tower" section of docs/benchmarks.md.
# BENCH_BASELINE=path/to/other/parapet times that binary too, in the same run.
bench-guard: all ct-ref
	@python3 tests/bench/guard.py --parapet $(BUILD)/parapet --guard $(CT_GUARD) --ct $(CT_RULES) \
	  $(if $(BENCH_BASELINE),--baseline $(BENCH_BASELINE))

# The Lambda zip: bootstrap, the binary, the rules, and every shared library the binary loads
# (linked, and libcurl, which engine/net/lazy.c opens at first use, with its own dependencies)
# except glibc's own (provided.al2023 brings glibc 2.34; tests/integration/test_lambda_zip.sh
# checks that nothing needs a newer symbol).
LAMBDA_DIR   := $(BUILD)/lambda
LAMBDA_ZIP   := $(BUILD)/parapet-lambda.zip
GLIBC_SONAMES := linux-vdso|ld-linux-x86-64|ld-linux-aarch64|libc|libm|libpthread|libdl|librt|libresolv|libutil|libanl|libmvec|libnss_[a-z]+

LAMBDA_CURL  = $(shell pkg-config --variable=libdir libcurl 2>/dev/null)/$(call soname,libcurl,curl,libcurl.so.4)
LAMBDA_SQLITE = $(shell pkg-config --variable=libdir sqlite3 2>/dev/null)/$(call soname,sqlite3,sqlite3,libsqlite3.so.0)

lambda-zip: $(LAMBDA_ZIP)
integration: $(LAMBDA_ZIP)   # tests/integration/test_lambda_zip.sh unpacks it

$(LAMBDA_ZIP): $(BUILD)/parapet $(BUILD)/kb.db hooks/deploy/bootstrap $(shell find rules -type f 2>/dev/null)
	rm -rf $(LAMBDA_DIR) $@
	mkdir -p $(LAMBDA_DIR)/lib $(LAMBDA_DIR)/rules
	install -m 755 $(BUILD)/parapet $(LAMBDA_DIR)/parapet
	install -m 755 hooks/deploy/bootstrap $(LAMBDA_DIR)/bootstrap
	install -m 644 $(BUILD)/kb.db $(LAMBDA_DIR)/kb.db
	if [ -d rules ]; then cp -R rules/. $(LAMBDA_DIR)/rules/; fi
	$(BUILD)/parapet rules compile $(LAMBDA_DIR)/rules -o $(LAMBDA_DIR)/rules.cache
	{ ldd $(BUILD)/parapet; ldd $(LAMBDA_CURL); echo "x => $(LAMBDA_CURL) (0)"; \
	  ldd $(LAMBDA_SQLITE); echo "x => $(LAMBDA_SQLITE) (0)"; } | \
	  awk '$$2 == "=>" && $$3 ~ /^\// { print $$3 }' | sort -u | \
	  grep -Ev '/($(GLIBC_SONAMES))\.so' | while read -r lib; do cp -L "$$lib" $(LAMBDA_DIR)/lib/; done
	cd $(LAMBDA_DIR) && zip -q -r -9 -X $(CURDIR)/$@ bootstrap parapet kb.db lib rules rules.cache
	@echo "lambda-zip: $@ ($$(ls $(LAMBDA_DIR)/lib | wc -l) bundled libraries)"

# Fuzzing (tests/fuzz/README.md). Each target tests/fuzz/fuzz_NAME.c defines
# LLVMFuzzerTestOneInput. `make fuzz` builds them with clang and libFuzzer against a copy of the
# library instrumented for it (build/fuzz) and runs each for FUZZ_SECONDS on a scratch copy of
# its corpus (build/fuzz/work/NAME: the committed corpus only grows when someone merges);
# crashes land in build/fuzz/crashes/NAME/ and fail the run. `make fuzz-replay` runs the
# committed corpora and the kept crash inputs (tests/fuzz/regress/NAME/) through the same
# targets with a plain main (replay_main.c), built with the normal compiler and flags.
FUZZ_TARGETS := doc_json doc_yaml template hook events kb slack sigv4 rules_cache awsconfig anatomy
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   ?= -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/%)
FUZZ_CFLAGS   = $(filter-out -MMD -MP,$(ALL_CFLAGS))

# Linked by the recursive make of fuzz-build (BUILD=build/fuzz, SAN=…fuzzer-no-link…).
$(BUILD)/fuzzers/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIBPP)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIBPP) $(LIBS)

$(BUILD)/fuzz-replay/%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz.h $(LIBPP)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIBPP) $(LIBS)

fuzz-replay: $(FUZZ_REPLAY)
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  $(BUILD)/fuzz-replay/$$t tests/fuzz/corpus/$$t tests/fuzz/regress/$$t || \
	    { echo "fuzz-replay: $$t FAILED"; fail=1; }; \
	done; exit $$fail

fuzz-build: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	  $(FUZZ_TARGETS:%=build/fuzz/fuzzers/fuzz_%)

fuzz: fuzz-build
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  w=build/fuzz/work/$$t; c=build/fuzz/crashes/$$t; rm -rf $$w; mkdir -p $$w $$c build/fuzz/logs; \
	  cp tests/fuzz/corpus/$$t/* $$w/ 2>/dev/null; \
	  case $$t in doc_yaml|kb) d=yaml;; template) d=template;; anatomy) d=anatomy;; slack|sigv4|rules_cache) d=;; *) d=json;; esac; \
	  dict=""; [ -n "$$d" ] && dict="-dict=tests/fuzz/dict/$$d.dict"; \
	  extra=""; [ -d tests/fuzz/regress/$$t ] && extra=tests/fuzz/regress/$$t; \
	  printf 'fuzz %-9s %ss ... ' $$t $(FUZZ_SECONDS); \
	  if build/fuzz/fuzzers/fuzz_$$t $(FUZZ_FLAGS) $$dict -max_total_time=$(FUZZ_SECONDS) \
	       -artifact_prefix=$$c/ $$w $$extra >build/fuzz/logs/$$t.log 2>&1; then \
	    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' build/fuzz/logs/$$t.log | tail -1; \
	  else \
	    echo "FAILED (build/fuzz/logs/$$t.log, inputs in $$c/)"; tail -30 build/fuzz/logs/$$t.log; fail=1; \
	  fi; \
	done; exit $$fail

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)
