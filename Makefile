# Umbra — top-level Makefile.
#
#   make            build the hypervisor, the boot ISO and the host tools
#   make run        build and boot Umbra in QEMU (serial console on the terminal)
#   make check      install missing packages, build and run every test
#   make check-NAME build and run the suites of one component (mk/test.mk)
#   make kmod       build the Linux modules of pvguest-patches/linux/
#   make bench      run every benchmark (ratios, not tests)
#   make deps       install the Debian packages the build and tests need
#   make install    install umbra.elf and a GRUB script (PREFIX, DESTDIR)
#
# Each component describes itself in its own fragment (COMPONENTS below);
# see mk/config.mk for the variables a fragment appends to.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/config.mk mk/kmod.mk mk/test.mk

ALL_TARGETS :=
CHECK_SUITES :=
CHECK_DEPS :=
BENCH_TARGETS :=
FUZZ_TARGETS :=

# The components, each a directory DIR whose rules are DIR/NAME.mk (NAME
# the last part of DIR), read in this order: base/, mmu/ and shared-pt/
# before the hypervisor, which links their sources; libraries before the
# tools that use them; test guests before the suites that boot them. A
# fragment may include fragments of its own (dom0-tools/, tests/e2e/).
COMPONENTS := base mmu shared-pt hypervisor dom0-tools dom0 pvguest-patches \
	tests/guests tests/unit/hv-common tests/unit/hvm tests/unit/pkscan tests/unit/libvmctl tests/unit/vmtop tests/store tests/vmctl tests/e2e \
	tests/install tests/tools tests/bench

# Read one component's fragment (plain include: a missing one is an error)
# and note the words it appends to CHECK_SUITES and CHECK_DEPS, for
# check-NAME (by position: a dependency another component listed first,
# such as build/umbra.elf, still counts for this one).
appended = $(wordlist $(words x $(1)),$(words $(2)),$(2))
define component
COMPONENT_SUITES0 := $$(CHECK_SUITES)
COMPONENT_DEPS0 := $$(CHECK_DEPS)
include $(1)/$(notdir $(1)).mk
SUITES_$(notdir $(1)) := $$(call appended,$$(COMPONENT_SUITES0),$$(CHECK_SUITES))
DEPS_$(notdir $(1)) := $$(call appended,$$(COMPONENT_DEPS0),$$(CHECK_DEPS))
endef
$(foreach c,$(COMPONENTS),$(eval $(call component,$(c))))

$(eval $(test_rules))

DEPS_STAMP := scripts/install-deps.sh

.PHONY: all deps run run-now bench bench-now clean install

all: $(ALL_TARGETS)

deps:
	@scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory run-now

bench: deps
	@$(MAKE) --no-print-directory bench-now

bench-now: $(BENCH_TARGETS)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
