# mmu/: the x86-64 paging library (page walk, NPT builder and 2-D walk,
# classic shadow engine). Freestanding; the hypervisor links $(MMU_SRCS).
#
#   make              compiles mmu/*.c as the hypervisor does (KERNEL_CFLAGS)
#   make check        runs the cmocka suites below, builds the fuzzer and bench
#   make fuzz-mmu     runs the shadow-engine fuzzer for MMU_FUZZ_SECONDS
#   make bench-mmu    prints the paging ratios as key: value lines

MMU_SRCS := $(sort $(wildcard mmu/*.c))
ALL_TARGETS += $(MMU_SRCS:%.c=$(BUILD)/kernel/%.o)

MMU_TEST_DIR := tests/unit/mmu
MMU_TEST_BIN := $(BUILD)/$(MMU_TEST_DIR)
# Test-side helpers: a pretend machine, a table builder, the reference
# walker and the shadow-engine sequence model.
MMU_HELPERS := $(addprefix $(MMU_TEST_DIR)/,host_machine.c pt_builder.c ref_walk.c \
	guest_env.c shadow_model.c shadow_model_mem.c shadow_model_run.c)

MMU_SAN_OBJS := $(patsubst %.c,$(BUILD)/san/%.o,$(MMU_SRCS) $(MMU_HELPERS))

# $(call mmu_test,NAME): cmocka binary from $(MMU_TEST_DIR)/NAME.c.
define mmu_test
$(call cmocka_test,$(MMU_TEST_BIN)/$(1),$(BUILD)/san/$(MMU_TEST_DIR)/$(1).o $(MMU_SAN_OBJS))
endef

MMU_TESTS := test_walk test_walk32 test_walk_prop test_npt test_npt_prop test_shadow test_shadow_diff \
	test_shadow32 test_shadow_xonly test_defer_free
$(foreach t,$(MMU_TESTS),$(eval $(call mmu_test,$(t))))

# libFuzzer target: the differential model driven by fuzzer bytes.
MMU_FUZZ := $(BUILD)/tests/fuzz/mmu/fuzz_shadow
MMU_FUZZ_SRCS := tests/fuzz/mmu/fuzz_shadow.c $(MMU_SRCS) \
	$(addprefix $(MMU_TEST_DIR)/,host_machine.c ref_walk.c shadow_model.c \
		shadow_model_mem.c shadow_model_run.c)
MMU_FUZZ_SECONDS ?= 30

$(MMU_FUZZ): $(patsubst %.c,$(BUILD)/fuzz/%.o,$(MMU_FUZZ_SRCS))
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@
FUZZ_TARGETS += $(MMU_FUZZ)

.PHONY: fuzz-mmu
fuzz-mmu: $(MMU_FUZZ)
	@mkdir -p $(BUILD)/fuzz-corpus/mmu $(BUILD)/fuzz-artifacts/mmu
	$(MMU_FUZZ) -max_total_time=$(MMU_FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=$(BUILD)/fuzz-artifacts/mmu/ \
		-print_final_stats=1 $(BUILD)/fuzz-corpus/mmu

# Benchmarks (make bench-mmu): optimised host build, no sanitizers.
MMU_BENCH := $(BUILD)/tests/bench/mmu/bench_mmu
MMU_BENCH_SRCS := tests/bench/mmu/bench_mmu.c $(MMU_SRCS) $(MMU_TEST_DIR)/host_machine.c

$(MMU_BENCH): $(patsubst %.c,$(BUILD)/host/%.o,$(MMU_BENCH_SRCS))
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@
CHECK_DEPS += $(MMU_BENCH)
BENCH_TARGETS += bench-mmu

.PHONY: bench-mmu
bench-mmu: $(MMU_BENCH)
	@$(MMU_BENCH)
