# vmconsoled: the PV console back end in dom0 (docs/rings.md), through
# libvmctl and libvmstore, linked statically as vmctl is.
VMCONSOLED_DIR := dom0-tools/vmconsoled
VMCONSOLED_SRCS := $(sort $(wildcard $(VMCONSOLED_DIR)/*.c))
VMCONSOLED := $(DOM0_BUILD)/vmconsoled

$(VMCONSOLED): $(VMCONSOLED_SRCS:%.c=$(BUILD)/host/%.o) $(LIBVMCTL_A) $(LIBVMSTORE_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ $(LIBVMCTL_LIBS) $(LIBVMSTORE_LIBS) -o $@
ALL_TARGETS += $(VMCONSOLED)
DOM0_INSTALL_BIN += $(VMCONSOLED)
