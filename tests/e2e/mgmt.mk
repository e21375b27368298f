# dom0's management path end to end: umbra.ko and libvmctl in dom0 under
# Umbra, driven by umbra-smoke (static, so it needs nothing of the
# initramfs but the device) from a tmux terminal on dom0's console.

MGMT_SMOKE := $(BUILD)/tests/e2e/umbra-smoke
$(MGMT_SMOKE): $(BUILD)/host/tests/e2e/umbra-smoke.o $(LIBVMCTL_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -static $^ $(LIBVMCTL_LIBS) -o $@
ALL_TARGETS += $(MGMT_SMOKE)

CHECK_SUITES += tests/e2e/mgmt.sh
CHECK_DEPS += $(MGMT_SMOKE) $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.img \
	$(BUILD)/test/umbra.elf $(BUILD)/guests/hello.elf
