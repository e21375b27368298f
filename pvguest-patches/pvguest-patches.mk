# pvguest-patches/: what Umbra adds to guest kernels. linux/ holds Linux
# modules built out of tree with mk/kmod.mk against the headers of
# Debian's linux-image-amd64, the kernel dom0 boots:
#   linux/umbra/   umbra.ko, dom0's /dev/umbra driver (management hypercalls)
# `make kmod` builds them; `make check` also checks them with modinfo.

# The interface version the driver reports, MAJOR.MINOR from the ABI.
UMBRA_ABI_VERSION := $(shell awk '$$2 == "UMBRA_VERSION_MAJOR" { ma = $$3 } \
	$$2 == "UMBRA_VERSION_MINOR" { mi = $$3 } END { print ma "." mi }' \
	hypervisor/include/public/umbra.h)

ifneq ($(KMOD_KDIR),)
$(eval $(call kmod,umbra,pvguest-patches/linux/umbra,UMBRA_VERSION=$(UMBRA_ABI_VERSION) \
	UMBRA_INCLUDE=$(abspath hypervisor/include)))
$(KMOD_BUILD)/umbra/umbra.ko: $(wildcard hypervisor/include/public/*.h)
CHECK_SUITES += tests/kmod/umbra-ko.sh
CHECK_DEPS += $(KMOD_BUILD)/umbra/umbra.ko
else
$(warning linux-headers-amd64 missing: umbra.ko and its check are skipped (make deps))
endif
