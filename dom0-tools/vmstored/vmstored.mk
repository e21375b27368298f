# vmstored: the domain store daemon. VMSTORED_CORE_SRCS (everything but
# main.c) is the store itself; tests and the fuzzer link it directly.

VMSTORED_DIR := dom0-tools/vmstored
# ring_umbra.c (rings under Umbra, through libvmctl) is the daemon's only.
VMSTORED_CORE_SRCS := $(filter-out $(VMSTORED_DIR)/main.c $(VMSTORED_DIR)/ring_umbra.c, \
	$(sort $(wildcard $(VMSTORED_DIR)/*.c))) $(LIBVMSTORE_DIR)/permstr.c
VMSTORED := $(DOM0_BUILD)/vmstored

$(VMSTORED): $(patsubst %.c,$(BUILD)/host/%.o,$(VMSTORED_CORE_SRCS) \
		$(VMSTORED_DIR)/main.c $(VMSTORED_DIR)/ring_umbra.c) $(LIBVMCTL_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ $(LIBVMCTL_LIBS) -o $@

# The ring code is meant for guests and the hypervisor too: keep it
# freestanding by compiling it as the hypervisor would.
ALL_TARGETS += $(VMSTORED) $(BUILD)/kernel/$(VMSTORED_DIR)/ring.o
DOM0_INSTALL_BIN += $(VMSTORED)
