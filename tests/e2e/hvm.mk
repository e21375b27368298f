# HVM scenarios under QEMU (tests/e2e/hvm.sh): guests from tests/guests/
# run as domains of the test build of the hypervisor. Guest images are
# named literally.
CHECK_SUITES += tests/e2e/hvm.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf \
	$(patsubst %,$(BUILD)/guests/%.elf,hello compute timer ptwork hostile selftest insnskip)
