# End-to-end boot scenarios under QEMU (tests/e2e/*.sh); the HVM ones are
# in hvm.mk. Both images are built for `make check-e2e`.
CHECK_DEPS += $(BUILD)/umbra.elf $(BUILD)/test/umbra.elf
CHECK_SUITES += tests/e2e/boot.sh

.PHONY: bench-boot
bench-boot: $(BUILD)/umbra.elf
	tests/bench/boot.sh
BENCH_TARGETS += bench-boot

CHECK_SUITES += tests/e2e/domains.sh
CHECK_DEPS += $(BUILD)/guests/hello.elf $(BUILD)/guests/smp.elf

# The hypervisor's own page tables read through QEMU's monitor (W^X, no
# lower half, NX direct map, stack guard pages).
CHECK_SUITES += tests/e2e/pagetables.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf $(BUILD)/guests/ptwork.elf

include tests/e2e/hvm.mk
include tests/e2e/grant.mk
include tests/e2e/xtf.mk
include tests/e2e/evtchn.mk
include tests/e2e/memop.mk
include tests/e2e/vlapic.mk
include tests/e2e/hvm32.mk
include tests/e2e/pv.mk
include tests/e2e/mgmt.mk
include tests/e2e/vmtop.mk
include tests/e2e/rings.mk
include tests/e2e/saverestore.mk
include tests/e2e/gntdestroy.mk
