# The XTF conformance suite (tests/e2e/xtf.sh): Xen's hvm64 and pv64 test
# kernels from ../shared/xtf as Umbra domains. `make check` runs hvm64 in
# nested paging and pv64 in both of its paging modes (one boot per test);
# `make xtf` runs hvm64 in shadow paging too.
CHECK_SUITES += tests/e2e/xtf.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf

.PHONY: xtf
xtf: $(BUILD)/test/umbra.elf
	@XTF_MODES="nested shadow" XTF_PV_MODES="shared shadow" SUITE_TIMEOUT=3000 \
		tests/run-suites.sh tests/e2e/xtf.sh
