# memory_op, pvclock, runstate (tests/e2e/memop.sh): the memop guest in
# both paging modes beside a neighbour.
CHECK_SUITES += tests/e2e/memop.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf \
	$(patsubst %,$(BUILD)/guests/%.elf,memop hello)
