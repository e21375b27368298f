# vmtop in dom0 under Umbra, on a tmux terminal (tests/e2e/vmtop.sh): the
# screen, its keys, batch and JSON output against vmctl list. It needs
# the hypervisor's management commands and vmctl in dom0; until both are
# there it runs on demand only: make check-vmtop-e2e.
VMTOP_E2E_DEPS := $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/test/umbra.elf \
	$(BUILD)/guests/compute.elf $(BUILD)/guests/timer.elf

.PHONY: check-vmtop-e2e
check-vmtop-e2e: $(VMTOP_E2E_DEPS)
	@tests/run-suites.sh tests/e2e/vmtop.sh
