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
$(STORE_TEST_BIN)/xsprobe: $(BUILD)/host/dom0-tools/vmstored/ring.o

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
	tests/store/ring.sh tests/store/install.sh
STORE_SUITE_DEPS := $(VMSTORED) $(STORE_TEST_BIN)/xsprobe \
	$(STORE_TEST_BIN)/xsflood

CHECK_SUITES += $(STORE_SUITES)
CHECK_DEPS += $(STORE_SUITE_DEPS)
