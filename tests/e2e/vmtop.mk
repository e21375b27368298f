# vmtop in dom0 under Umbra, on a tmux terminal (tests/e2e/vmtop.sh): the
# screen, its keys, batch and JSON output against vmctl list. In make
# check; alone: make check-vmtop-e2e.
VMTOP_E2E_DEPS := $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/test/umbra.elf \
	$(BUILD)/guests/compute.elf $(BUILD)/guests/timer.elf

.PHONY: check-vmtop-e2e
check-vmtop-e2e: $(VMTOP_E2E_DEPS)
	@tests/run-suites.sh tests/e2e/vmtop.sh
CHECK_SUITES += tests/e2e/vmtop.sh
CHECK_DEPS += $(VMTOP_E2E_DEPS)
