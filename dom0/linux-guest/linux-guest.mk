# The Linux PVH guest: Debian's kernel (dom0's own bzImage) with a small
# busybox initramfs, started by vmctl in dom0 (dom0/linux-guest/).
# `make linux-guest` builds build/linux-guest/: the guest's initramfs and
# dom0's initramfs with the guest appended (initrd-dom0.img), which only
# the Linux guest's suite and benchmark boot: dom0's own stays small.
#
#   make check-linux    the Linux guest's e2e suite (tests/e2e/linux.sh;
#                       minutes under TCG, so not part of make check: the
#                       CI runs it after make check)
#   make bench-guests   includes bench-linuxpvh (tests/bench/linuxpvh.sh)

LINUX_GUEST_OUT := $(BUILD)/linux-guest
LINUX_GUEST_IMGS := $(LINUX_GUEST_OUT)/initrd-dom0.img $(LINUX_GUEST_OUT)/linux-initrd.img \
	$(LINUX_GUEST_OUT)/dom0-extra.img

$(LINUX_GUEST_IMGS) &: dom0/linux-guest/mklinuxguest.sh dom0/linux-guest/init \
		dom0/linux-guest/linux.cfg.in $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.img
	dom0/linux-guest/mklinuxguest.sh $(LINUX_GUEST_OUT) $(DOM0_OUT)

.PHONY: linux-guest check-linux check-linux-now bench-linuxpvh bench-guests
linux-guest: $(LINUX_GUEST_IMGS)

check-linux: deps
	@$(MAKE) --no-print-directory check-linux-now
check-linux-now: linux-guest $(BUILD)/test/umbra.elf
	@tests/run-suites.sh tests/e2e/linux.sh

bench-linuxpvh: linux-guest $(BUILD)/umbra.elf $(BUILD)/dom0-tests/timeit
	tests/bench/linuxpvh.sh
bench-guests: bench-linuxpvh
BENCH_TARGETS += bench-guests
