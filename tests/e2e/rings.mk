# The store and console rings served in dom0 (tests/e2e/rings.sh): the xs
# guest through its store ring, two guests' permissions, a vmstored
# restart with --state; `make check-rings` runs it alone.
RINGS_E2E_DEPS := $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/test/umbra.elf
CHECK_SUITES += tests/e2e/rings.sh
CHECK_DEPS += $(RINGS_E2E_DEPS)
.PHONY: check-rings
check-rings: $(RINGS_E2E_DEPS)
	@tests/run-suites.sh tests/e2e/rings.sh
