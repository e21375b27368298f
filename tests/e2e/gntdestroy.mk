# A PV granter destroyed by vmctl while another PV domain maps its page
# (tests/e2e/gntdestroy.sh; the pvpingpong guest and dom0/guests/pv*.cfg
# in dom0's initramfs). In make check; alone: make check-gntdestroy-e2e.
GNTDESTROY_E2E_DEPS := $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/test/umbra.elf

.PHONY: check-gntdestroy-e2e
check-gntdestroy-e2e: $(GNTDESTROY_E2E_DEPS)
	@tests/run-suites.sh tests/e2e/gntdestroy.sh
CHECK_SUITES += tests/e2e/gntdestroy.sh
CHECK_DEPS += $(GNTDESTROY_E2E_DEPS)
