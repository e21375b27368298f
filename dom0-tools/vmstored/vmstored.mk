# vmstored: the domain store daemon. VMSTORED_CORE_SRCS (everything but
# main.c) is the store itself; tests and the fuzzer link it directly.

VMSTORED_DIR := dom0-tools/vmstored
VMSTORED_CORE_SRCS := $(filter-out $(VMSTORED_DIR)/main.c, \
	$(sort $(wildcard $(VMSTORED_DIR)/*.c))) $(LIBVMSTORE_DIR)/permstr.c
VMSTORED := $(DOM0_BUILD)/vmstored

$(VMSTORED): $(patsubst %.c,$(BUILD)/host/%.o,$(VMSTORED_CORE_SRCS) \
		$(VMSTORED_DIR)/main.c)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

# The ring code is meant for guests and the hypervisor too: keep it
# freestanding by compiling it as the hypervisor would.
ALL_TARGETS += $(VMSTORED) $(BUILD)/kernel/$(VMSTORED_DIR)/ring.o
DOM0_INSTALL_BIN += $(VMSTORED)
