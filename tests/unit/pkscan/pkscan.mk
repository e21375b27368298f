# The WRPKRU/XRSTOR scanner and one-to-one rewriter that decides whether a
# guest code page may become executable (hypervisor/arch/x86/pkscan/,
# asm/pkscan.h). The hypervisor links its sources with the rest of
# arch/x86; here they are built as the hypervisor builds them, and host
# builds (sanitizers) run against cmocka suites, one of which checks the
# decoder's instruction boundaries and the rewritten pages against GNU
# as and objdump.
#
#   make check-pkscan   the suites below
#   make fuzz-pkscan    a short libFuzzer run of pkscan_page() against its promises
#   make bench-pkscan   cost per 4 KiB page of the hypervisor's code, against
#                       a naive memcmp scan in the same run

PKSCAN_SRCS := $(sort $(wildcard hypervisor/arch/x86/pkscan/*.c))
PKSCAN_INSN_SRCS := $(sort $(wildcard hypervisor/arch/x86/insn/*.c))
ALL_TARGETS += $(patsubst %.c,$(BUILD)/kernel/%.o,$(PKSCAN_SRCS))

PKSCAN_TEST_DIR := tests/unit/pkscan
PKSCAN_BIN := $(BUILD)/$(PKSCAN_TEST_DIR)
PKSCAN_LIB_SAN := $(patsubst %.c,$(BUILD)/san/%.o,$(PKSCAN_SRCS) $(PKSCAN_INSN_SRCS))

# $(call pkscan_test,NAME,HELPERS): NAME.c with the library and HELPERS.
define pkscan_test
$(call cmocka_test,$(PKSCAN_BIN)/$(1),$(BUILD)/san/$(PKSCAN_TEST_DIR)/$(1).o \
	$(patsubst %.c,$(BUILD)/san/%.o,$(2)) $(PKSCAN_LIB_SAN))
endef

$(eval $(call pkscan_test,test_scan,$(PKSCAN_TEST_DIR)/reference.c))
$(eval $(call pkscan_test,test_page,))
$(eval $(call pkscan_test,test_edges,))
$(eval $(call pkscan_test,test_random,))
$(eval $(call pkscan_test,test_objdump,$(PKSCAN_TEST_DIR)/binutils.c))
# test_objdump also sweeps the hypervisor's own text.
PKSCAN_HV_ELF := $(BUILD)/umbra.elf
$(BUILD)/san/$(PKSCAN_TEST_DIR)/test_objdump.o: \
	HOST_CFLAGS += -DPKSCAN_HYPERVISOR_ELF='"$(PKSCAN_HV_ELF)"'
$(PKSCAN_BIN)/test_objdump: | $(PKSCAN_HV_ELF)

# libFuzzer target (built by `make check`; `make fuzz-pkscan` runs it).
PKSCAN_FUZZ := $(PKSCAN_BIN)/fuzz_pkscan
PKSCAN_FUZZ_RUNS ?= 200000
$(PKSCAN_FUZZ): $(patsubst %.c,$(BUILD)/fuzz/%.o,$(PKSCAN_TEST_DIR)/fuzz_pkscan.c \
		$(PKSCAN_SRCS) $(PKSCAN_INSN_SRCS))
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@
FUZZ_TARGETS += $(PKSCAN_FUZZ)

.PHONY: fuzz-pkscan
fuzz-pkscan: $(PKSCAN_FUZZ)
	@mkdir -p $(BUILD)/fuzz-corpus/pkscan
	$(PKSCAN_FUZZ) -runs=$(PKSCAN_FUZZ_RUNS) -max_len=4200 -seed=1 $(BUILD)/fuzz-corpus/pkscan

# Benchmark: optimised host build, no sanitizers; built by `make check`.
PKSCAN_BENCH := $(BUILD)/tests/bench/pkscan/bench_pkscan
PKSCAN_BENCH_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,tests/bench/pkscan/bench_pkscan.c \
	$(PKSCAN_TEST_DIR)/reference.c $(PKSCAN_SRCS) $(PKSCAN_INSN_SRCS))
$(PKSCAN_BENCH): $(PKSCAN_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@
CHECK_DEPS += $(PKSCAN_BENCH)
BENCH_TARGETS += bench-pkscan

# The pages measured: the hypervisor's own code.
PKSCAN_BENCH_TEXT := $(BUILD)/tests/bench/pkscan/text.bin
$(PKSCAN_BENCH_TEXT): $(BUILD)/umbra.elf
	@mkdir -p $(dir $@)
	$(OBJCOPY) -O binary -j .text $< $@

.PHONY: bench-pkscan
bench-pkscan: $(PKSCAN_BENCH) $(PKSCAN_BENCH_TEXT)
	@$(PKSCAN_BENCH) $(PKSCAN_BENCH_TEXT)
