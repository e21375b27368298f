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

$(STORE_TEST_BIN)/xsprobe: $(BUILD)/host/tests/store/xsprobe.o
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

STORE_SUITES := tests/store/conformance.sh tests/store/protocol.sh \
	tests/store/xentest.sh
STORE_SUITE_DEPS := $(VMSTORED) $(STORE_TEST_BIN)/xsprobe

CHECK_SUITES += $(STORE_SUITES)
CHECK_DEPS += $(STORE_SUITE_DEPS)
