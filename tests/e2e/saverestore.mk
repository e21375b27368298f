# vmctl save / restore in dom0 under Umbra (tests/e2e/saverestore.sh): the
# counter guest across a save in both paging modes, save -c, a restore
# after a fresh boot, and bad save files refused. make check-saverestore
# runs it alone.
SAVERESTORE_DEPS := $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/test/umbra.elf \
	$(BUILD)/guests/counter.elf
CHECK_SUITES += tests/e2e/saverestore.sh
CHECK_DEPS += $(SAVERESTORE_DEPS)
.PHONY: check-saverestore
check-saverestore: $(SAVERESTORE_DEPS)
	@tests/run-suites.sh tests/e2e/saverestore.sh
