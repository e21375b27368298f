# Tests of vmtop (dom0-tools/vmtop/): cmocka unit tests of its pure
# logic (formatting, scaling, sorting, rates on recorded samples, batch
# output) and of its sampling against a test double of libvmctl
# (fake_vmctl.c, never shipped). vmtop-fake is the whole program on that
# double, for trying the screen on a host:
#     VMTOP_FAKE_DOMAINS=5 build/tests/unit/vmtop/vmtop-fake
# The end-to-end suite with the real hypervisor is tests/e2e/vmtop.sh.

VMTOP_UNIT_DIR := tests/unit/vmtop
VMTOP_UNIT_BIN := $(BUILD)/$(VMTOP_UNIT_DIR)
VMTOP_CORE_SAN := $(VMTOP_CORE_SRCS:%.c=$(BUILD)/san/%.o)
VMTOP_FAKE_SAN := $(BUILD)/san/$(VMTOP_UNIT_DIR)/fake_vmctl.o

$(eval $(call cmocka_test,$(VMTOP_UNIT_BIN)/test_format, \
	$(BUILD)/san/$(VMTOP_UNIT_DIR)/test_format.o $(VMTOP_CORE_SAN) $(VMTOP_FAKE_SAN)))
$(eval $(call cmocka_test,$(VMTOP_UNIT_BIN)/test_rates, \
	$(BUILD)/san/$(VMTOP_UNIT_DIR)/test_rates.o $(VMTOP_CORE_SAN) $(VMTOP_FAKE_SAN)))
$(eval $(call cmocka_test,$(VMTOP_UNIT_BIN)/test_sort, \
	$(BUILD)/san/$(VMTOP_UNIT_DIR)/test_sort.o $(VMTOP_CORE_SAN) $(VMTOP_FAKE_SAN)))
$(eval $(call cmocka_test,$(VMTOP_UNIT_BIN)/test_lines, \
	$(BUILD)/san/$(VMTOP_UNIT_DIR)/test_lines.o $(VMTOP_CORE_SAN) $(VMTOP_FAKE_SAN)))
$(eval $(call cmocka_test,$(VMTOP_UNIT_BIN)/test_sample, \
	$(BUILD)/san/$(VMTOP_UNIT_DIR)/test_sample.o $(VMTOP_CORE_SAN) $(VMTOP_FAKE_SAN)))

$(BUILD)/san/$(VMTOP_UNIT_DIR)/%.o: HOST_CPPFLAGS += -I$(VMTOP_UNIT_DIR)

VMTOP_FAKE := $(VMTOP_UNIT_BIN)/vmtop-fake
$(VMTOP_FAKE): $(VMTOP_SRCS:%.c=$(BUILD)/san/%.o) $(VMTOP_FAKE_SAN)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_CFLAGS) $^ $(NCURSES_LIBS) -o $@
CHECK_DEPS += $(VMTOP_FAKE)

# The screen's keys on a host terminal (tmux) over the test double.
CHECK_SUITES += $(VMTOP_UNIT_DIR)/ui.sh
