# 32-bit guests (tests/e2e/hvm32.sh): the hvm32 guest in 32-bit protected
# mode with paging off, 2-level, PSE and PAE paging beside a neighbour.
CHECK_SUITES += tests/e2e/hvm32.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf \
	$(patsubst %,$(BUILD)/guests/%.elf,hvm32 hello)
