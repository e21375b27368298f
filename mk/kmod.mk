# Out-of-tree Linux kernel modules, built with Kbuild.
#
#   $(call kmod,NAME,SRCDIR,KBUILD_ARGS)
#       builds $(BUILD)/kmod/NAME/NAME.ko from SRCDIR (a Kbuild file and
#       its sources), passing KBUILD_ARGS (VAR=value ...) to Kbuild; `make
#       kmod` builds every such module.
#
# The kernel is that of KMOD_KDIR: by default the headers of Debian's
# linux-image-amd64 (scripts/kernel-headers.sh), not the running kernel's,
# so the modules fit the kernel dom0 boots whatever the build host runs.
# KMOD_KDIR is empty when linux-headers-amd64 is missing; fragments then
# skip their modules with a warning.
#
# Kbuild writes objects next to the sources: M=DIR is both the source and
# the output directory (a separate output directory, MO=, only exists from
# Linux 6.13). So each module's sources are copied into $(BUILD)/kmod/NAME/
# and Kbuild runs on that copy: the source tree stays clean and
# `make clean` removes everything. The copy is remade from scratch when a
# source changes, so a deleted source file cannot linger in it.

# Looked up once per make run, not at every use.
ifeq ($(origin KMOD_KDIR),undefined)
KMOD_KDIR := $(shell scripts/kernel-headers.sh)
endif
KMOD_BUILD := $(BUILD)/kmod

define kmod
$(KMOD_BUILD)/$(1)/$(1).ko: $(sort $(wildcard $(2)/*)) mk/kmod.mk
	@rm -rf $$(@D)
	@mkdir -p $$(@D)
	cp $(2)/* $$(@D)/
	$$(MAKE) -C $$(KMOD_KDIR) M=$$(abspath $$(@D)) $(3) modules
kmod: $(KMOD_BUILD)/$(1)/$(1).ko
endef

.PHONY: kmod
kmod:
ifeq ($(KMOD_KDIR),)
	@echo "kmod: no Linux headers; install linux-headers-amd64 (make deps)" >&2
	@exit 1
endif
