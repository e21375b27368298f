# Tests of vmctl (dom0-tools/vmctl/):
#
#   tests/unit/vmctl/   cmocka unit tests of the config parser
#   tests/fuzz/vmctl/   libFuzzer target (make fuzz-vmctl), and its seeded
#                       replay as a suite of make check

VMCTL_UNIT_DIR := tests/unit/vmctl
VMCTL_UNIT_BIN := $(BUILD)/$(VMCTL_UNIT_DIR)
VMCTL_CONFIG_SAN := $(VMCTL_CONFIG_SRCS:%.c=$(BUILD)/san/%.o)

$(eval $(call cmocka_test,$(VMCTL_UNIT_BIN)/test_config, \
	$(BUILD)/san/$(VMCTL_UNIT_DIR)/test_config.o $(VMCTL_CONFIG_SAN)))

VMCTL_FUZZ_DIR := tests/fuzz/vmctl
VMCTL_FUZZ := $(BUILD)/$(VMCTL_FUZZ_DIR)/fuzz_config
VMCTL_REPLAY := $(BUILD)/$(VMCTL_FUZZ_DIR)/replay
VMCTL_FUZZ_SECONDS ?= 60

$(VMCTL_FUZZ): $(BUILD)/fuzz/$(VMCTL_FUZZ_DIR)/fuzz_config.o \
		$(VMCTL_CONFIG_SRCS:%.c=$(BUILD)/fuzz/%.o)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@
FUZZ_TARGETS += $(VMCTL_FUZZ)

# The same target without libFuzzer: seeds and seeded mutations.
$(VMCTL_REPLAY): $(BUILD)/san/$(VMCTL_FUZZ_DIR)/fuzz_config.o \
		$(BUILD)/san/$(VMCTL_FUZZ_DIR)/replay_main.o $(VMCTL_CONFIG_SAN)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_CFLAGS) $^ -o $@
CHECK_SUITES += $(VMCTL_REPLAY)

.PHONY: fuzz-vmctl
fuzz-vmctl: $(VMCTL_FUZZ)
	@mkdir -p $(BUILD)/fuzz-corpus/vmctl $(BUILD)/fuzz-artifacts/vmctl
	$(VMCTL_FUZZ) -max_total_time=$(VMCTL_FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=$(BUILD)/fuzz-artifacts/vmctl/ \
		$(BUILD)/fuzz-corpus/vmctl $(VMCTL_FUZZ_DIR)/seeds dom0/guests

# vmctl's commands on the host, against a test double of libvmctl
# (fake_libvmctl.c: a pretend hypervisor in a state file) and a real
# vmstored: messages, list formats, JSON, store entries, console
# detach and terminal restore. Sanitizers on.
VMCTL_FAKE := $(BUILD)/tests/vmctl/vmctl-fake
$(VMCTL_FAKE): $(VMCTL_SRCS:%.c=$(BUILD)/san/%.o) \
		$(BUILD)/san/tests/vmctl/fake_libvmctl.o $(LIBVMSTORE_SAN_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_CFLAGS) $^ $(LIBVMSTORE_LIBS) -o $@
CHECK_SUITES += tests/vmctl/cli.sh
CHECK_DEPS += $(VMCTL_FAKE) $(VMSTORED)

# vmctl in dom0 under Umbra, through dom0's console (tests/e2e/vmctl.sh);
# make check-vmctl-e2e runs it alone.
VMCTL_E2E_DEPS := $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/test/umbra.elf
CHECK_SUITES += tests/e2e/vmctl.sh
CHECK_DEPS += $(VMCTL_E2E_DEPS)
.PHONY: check-vmctl-e2e
check-vmctl-e2e: $(VMCTL_E2E_DEPS)
	@tests/run-suites.sh tests/e2e/vmctl.sh
