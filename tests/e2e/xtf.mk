# The XTF conformance suite (tests/e2e/xtf.sh): Xen's hvm64 test kernels
# from ../shared/xtf as Umbra domains. `make check` runs them in nested
# paging (one boot per test, about four minutes); `make xtf` runs both
# paging modes.
CHECK_SUITES += tests/e2e/xtf.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf

.PHONY: xtf
xtf: $(BUILD)/test/umbra.elf
	@XTF_MODES="nested shadow" SUITE_TIMEOUT=2400 tests/run-suites.sh tests/e2e/xtf.sh
