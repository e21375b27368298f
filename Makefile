# Umbra — top-level Makefile.
#
#   make            build the hypervisor, the boot ISO and the host tools
#   make run        build and boot Umbra in QEMU (serial console on the terminal)
#   make check      install missing packages, build and run every test
#   make bench      run every benchmark (ratios, not tests)
#   make deps       install the Debian packages the build and tests need
#   make install    install umbra.elf and a GRUB script (PREFIX, DESTDIR)
#
# Each component describes itself in its own fragment; see mk/config.mk
# for the variables a fragment appends to.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/config.mk

ALL_TARGETS :=
CHECK_SUITES :=
CHECK_DEPS :=
BENCH_TARGETS :=
FUZZ_TARGETS :=

# base/, mmu/ and shared-pt/ first: the hypervisor links their sources.
include base/base.mk
-include mmu/mmu.mk
-include shared-pt/shared-pt.mk
include hypervisor/hypervisor.mk
-include dom0-tools/dom0-tools.mk
include dom0/dom0.mk
-include $(sort $(wildcard tests/*/*.mk))

DEPS_STAMP := scripts/install-deps.sh

.PHONY: all deps check check-build check-now run run-now bench bench-now clean install

all: $(ALL_TARGETS)

deps:
	@scripts/install-deps.sh

# The entry points a newcomer types install what is missing first, then
# re-enter make so that pkg-config and friends see the new packages.
check: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) check-build
	@$(MAKE) --no-print-directory check-now

# Building is parallel; the suites then run one at a time (QEMU boots and
# timing checks want the CPUs to themselves).
check-build: $(CHECK_SUITES) $(CHECK_DEPS) $(FUZZ_TARGETS)

check-now: check-build
	@tests/run-suites.sh $(CHECK_SUITES)

run: deps
	@$(MAKE) --no-print-directory run-now

bench: deps
	@$(MAKE) --no-print-directory bench-now

bench-now: $(BENCH_TARGETS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
