# shared-pt: the shared page-table engine (freestanding library), its host
# unit tests, fuzzer and benchmark.
#
# SHARED_PT_SRCS is what the hypervisor links (compiled with
# KERNEL_CFLAGS); `make` builds those objects so a non-freestanding
# construct fails early. Tests, fuzzer and benchmark link host builds of
# the same sources.

SHARED_PT_SRCS := $(sort $(wildcard shared-pt/*.c))
SPT_KERNEL_OBJS := $(SHARED_PT_SRCS:%.c=$(BUILD)/kernel/%.o)
ALL_TARGETS += $(SPT_KERNEL_OBJS)

SPT_SAN_OBJS := $(SHARED_PT_SRCS:%.c=$(BUILD)/san/%.o)
SPT_FUZZ_OBJS := $(SHARED_PT_SRCS:%.c=$(BUILD)/fuzz/%.o)
SPT_HOST_OBJS := $(SHARED_PT_SRCS:%.c=$(BUILD)/host/%.o)

# ---- unit tests (cmocka, sanitizers) -------------------------------------
SPT_UNIT_DIR := tests/unit/shared-pt
SPT_UNIT_BIN := $(BUILD)/$(SPT_UNIT_DIR)
SPT_HARNESS_SAN := $(BUILD)/san/$(SPT_UNIT_DIR)/harness.o
SPT_UNIT_TESTS := $(sort $(basename $(notdir $(wildcard $(SPT_UNIT_DIR)/test_*.c))))

define spt_unit_test
$(call cmocka_test,$(SPT_UNIT_BIN)/$(1),$(BUILD)/san/$(SPT_UNIT_DIR)/$(1).o \
	$(SPT_HARNESS_SAN) $(SPT_SAN_OBJS))
endef
$(foreach t,$(SPT_UNIT_TESTS),$(eval $(call spt_unit_test,$(t))))

# ---- fuzzer (libFuzzer) and its sequence model as a check suite -------------
SPT_FUZZ_DIR := tests/fuzz/shared-pt
SPT_FUZZ := $(BUILD)/$(SPT_FUZZ_DIR)/fuzz_shared_pt
SPT_SEQ := $(BUILD)/$(SPT_FUZZ_DIR)/sequences
SPT_FUZZ_RUNS ?= 20000
SPT_FUZZ_CORPUS := $(BUILD)/$(SPT_FUZZ_DIR)/corpus

$(SPT_FUZZ): $(BUILD)/fuzz/$(SPT_FUZZ_DIR)/fuzz_shared_pt.o \
		$(BUILD)/fuzz/$(SPT_UNIT_DIR)/harness.o $(SPT_FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@
FUZZ_TARGETS += $(SPT_FUZZ)

$(SPT_SEQ): $(BUILD)/san/$(SPT_FUZZ_DIR)/fuzz_shared_pt.o \
		$(BUILD)/san/$(SPT_FUZZ_DIR)/sequences_main.o $(SPT_HARNESS_SAN) \
		$(SPT_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_CFLAGS) $^ -o $@
CHECK_SUITES += $(SPT_SEQ)

# A brief run: a fixed number of inputs into a corpus under build/.
.PHONY: fuzz-shared-pt
fuzz-shared-pt: $(SPT_FUZZ)
	@mkdir -p $(SPT_FUZZ_CORPUS)
	$(SPT_FUZZ) -runs=$(SPT_FUZZ_RUNS) -max_len=512 -seed=1 $(SPT_FUZZ_CORPUS)

# ---- benchmark: the same workload through mmu/'s classic shadow engine --------
SPT_BENCH_DIR := tests/bench/shared-pt
SPT_BENCH := $(BUILD)/$(SPT_BENCH_DIR)/bench_shared_pt
SPT_BENCH_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard $(SPT_BENCH_DIR)/*.c) \
	$(SPT_UNIT_DIR)/harness.c $(SHARED_PT_SRCS) $(MMU_SRCS))

$(SPT_BENCH): $(SPT_BENCH_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

.PHONY: bench-shared-pt
bench-shared-pt: $(SPT_BENCH)
	@$(SPT_BENCH)
BENCH_TARGETS += bench-shared-pt
# Built (not run) by `make check`, so a change in mmu/'s API shows at once.
CHECK_DEPS += $(SPT_BENCH)
