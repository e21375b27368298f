# Tests, fuzzer and benchmark for the domain store (vmstored, libvmstore):
#
#   tests/unit/store/   cmocka unit tests of the daemon's modules
#   tests/store/        suites that run the daemon: conformance with the
#                       real xenstore-* clients, bad input, daemon life
#                       cycle, persistence, rings, the library
#   tests/fuzz/store/   libFuzzer target       (make fuzz-store)
#   tests/bench/store/  ratios vs. xenstored   (make bench-store)

STORE_TEST_BIN := $(BUILD)/tests/store
# The suites find the binaries here (they run from the repository root).
export VMSTORE_BUILD := $(abspath $(BUILD))

# Helper programs the suites run.
$(STORE_TEST_BIN)/%: $(BUILD)/host/tests/store/%.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@
# xsprobe can also be a guest on a ring.
$(STORE_TEST_BIN)/xsprobe: $(BUILD)/host/dom0-tools/vmstored/ring.o \
	$(BUILD)/host/dom0-tools/vmstored/msgtype.o

# The libvmstore benchmark client (also used by the interop suite).
STORE_BENCH_BIN := $(BUILD)/tests/bench/store
$(STORE_BENCH_BIN)/vmsbench: $(BUILD)/host/tests/bench/store/vmsbench.o \
		$(LIBVMSTORE_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ $(LIBVMSTORE_LIBS) -o $@

# cmocka unit tests: each links the harness and the daemon's modules
# (sanitizer builds).
STORE_UNIT_DIR := tests/unit/store
STORE_UNIT_BIN := $(BUILD)/$(STORE_UNIT_DIR)
STORE_UNIT_TESTS := $(basename $(notdir $(wildcard $(STORE_UNIT_DIR)/test_*.c)))
STORE_UNIT_OBJS := $(patsubst %.c,$(BUILD)/san/%.o,$(VMSTORED_CORE_SRCS) \
	$(STORE_UNIT_DIR)/harness.c)

$(STORE_UNIT_BIN)/%: $(BUILD)/san/$(STORE_UNIT_DIR)/%.o $(STORE_UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_CFLAGS) $^ $(CMOCKA_LIBS) -o $@

# The library's test also needs the library.
$(STORE_UNIT_BIN)/test_libvmstore: $(LIBVMSTORE_SAN_OBJS)
$(STORE_UNIT_BIN)/test_libvmstore: CMOCKA_LIBS += -pthread

CHECK_SUITES += $(STORE_UNIT_TESTS:%=$(STORE_UNIT_BIN)/%)

STORE_SUITES := tests/store/conformance.sh tests/store/protocol.sh \
	tests/store/xentest.sh tests/store/badinput.sh tests/store/daemon.sh \
	tests/store/ring.sh tests/store/install.sh tests/store/interop.sh
# The suites run a sanitizer build of the daemon (leaks, UB and bad
# memory accesses in the socket, ring and state-file code fail them).
VMSTORED_SAN := $(DOM0_BUILD)/vmstored-san
$(VMSTORED_SAN): $(patsubst %.c,$(BUILD)/san/%.o,$(VMSTORED_CORE_SRCS) \
		$(VMSTORED_DIR)/main.c $(VMSTORED_DIR)/ring_umbra.c) $(LIBVMCTL_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_CFLAGS) $^ $(LIBVMCTL_LIBS) -o $@

STORE_SUITE_DEPS := $(VMSTORED) $(VMSTORED_SAN) $(STORE_TEST_BIN)/xsprobe \
	$(STORE_TEST_BIN)/xsflood $(STORE_BENCH_BIN)/vmsbench

CHECK_SUITES += $(STORE_SUITES)
CHECK_DEPS += $(STORE_SUITE_DEPS)

# libFuzzer targets: the protocol (fuzz_store) and the state file
# (fuzz_state). `make fuzz-store` seeds a corpus and runs both.
STORE_FUZZ_DIR := tests/fuzz/store
STORE_FUZZ_BIN := $(BUILD)/$(STORE_FUZZ_DIR)
STORE_FUZZERS := $(STORE_FUZZ_BIN)/fuzz_store $(STORE_FUZZ_BIN)/fuzz_state
STORE_FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/%.o,$(VMSTORED_CORE_SRCS))
STORE_FUZZ_SECONDS ?= 60
STORE_CORPUS := $(BUILD)/fuzz-corpus/store

$(STORE_FUZZ_BIN)/%: $(BUILD)/fuzz/$(STORE_FUZZ_DIR)/%.o $(STORE_FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@

FUZZ_TARGETS += $(STORE_FUZZERS)

.PHONY: fuzz-store
fuzz-store: $(STORE_FUZZERS)
	@mkdir -p $(STORE_CORPUS)/protocol $(STORE_CORPUS)/state \
		$(BUILD)/fuzz-artifacts/store
	python3 $(STORE_FUZZ_DIR)/seeds.py $(STORE_CORPUS)/seeds
	$(STORE_FUZZ_BIN)/fuzz_store -max_total_time=$(STORE_FUZZ_SECONDS) \
		-max_len=16384 -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz-artifacts/store/ \
		$(STORE_CORPUS)/protocol $(STORE_CORPUS)/seeds/protocol
	$(STORE_FUZZ_BIN)/fuzz_state \
		-max_total_time=$$(( $(STORE_FUZZ_SECONDS) / 3 + 1 )) \
		-max_len=4096 -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz-artifacts/store/ \
		$(STORE_CORPUS)/state $(STORE_CORPUS)/seeds/state

# `make bench-store`: ratios against Xen's xenstored, one run.
.PHONY: bench-store
bench-store: $(VMSTORED) $(STORE_BENCH_BIN)/vmsbench
	@tests/bench/store/bench.sh
BENCH_TARGETS += bench-store
