# The virtual local APIC of HVM domains (tests/e2e/vlapic.sh): the vlapic
# guest in both paging modes beside a neighbour that finishes.
CHECK_SUITES += tests/e2e/vlapic.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf \
	$(patsubst %,$(BUILD)/guests/%.elf,vlapic hello)
