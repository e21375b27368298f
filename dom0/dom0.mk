# dom0's boot image: Debian's kernel (from the linux-image-amd64 package,
# unpacked into build/, never installed) and an initramfs of busybox-static,
# dom0's /init, the dom0 tools and umbra.ko. `make dom0` builds both; they
# are rebuilt only when an input changes (the kernel when the package
# version does).

DOM0_OUT := $(BUILD)/dom0
DOM0_INITRD_TOOLS := $(VMSTORED)
# vmconsoled: the guests' PV consoles (docs/rings.md).
DOM0_INITRD_TOOLS += $(VMCONSOLED)
# vmctl (static libvmctl and libvmstore; zlib from the host).
DOM0_INITRD_TOOLS += $(VMCTL)
# vmtop (with libncursesw, which mkdom0.sh copies with the terminfo
# entries a serial console and terminal emulators need).
DOM0_INITRD_TOOLS += $(VMTOP)
# The /dev/umbra driver, when the Linux headers to build it are there.
ifneq ($(KMOD_KDIR),)
DOM0_INITRD_TOOLS += $(KMOD_BUILD)/umbra/umbra.ko
else
$(warning linux-headers-amd64 missing: dom0's initramfs is built without umbra.ko)
endif
# Test programs the e2e suites run inside dom0 (tests/dom0/*.c), static.
DOM0_TEST_TOOLS := $(patsubst tests/dom0/%.c,$(BUILD)/dom0-tests/%,$(wildcard tests/dom0/*.c))

$(BUILD)/dom0-tests/%: tests/dom0/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -static -O2 -s -std=gnu11 -Wall -Wextra -Werror -I. -Ihypervisor/include -o $@ $<

# Guests for vmctl to start, in /usr/share/umbra/guests/: the test guests'
# images and their configs (dom0/guests/*.cfg, whose kernel = "NAME.elf"
# is the image beside them).
DOM0_GUEST_CFGS := $(sort $(wildcard dom0/guests/*.cfg))
DOM0_GUESTS := $(DOM0_GUEST_CFGS) $(BUILD)/guests/hello.elf \
	$(BUILD)/guests/timer.elf $(BUILD)/guests/hostile.elf $(BUILD)/guests/grant.elf \
	$(BUILD)/guests/xs.elf $(BUILD)/guests/pvring.elf $(BUILD)/guests/pvpingpong.elf \
	$(BUILD)/guests/counter.elf

$(DOM0_OUT)/initrd.img $(DOM0_OUT)/vmlinuz &: dom0/mkdom0.sh dom0/init $(DOM0_INITRD_TOOLS) \
		$(DOM0_TEST_TOOLS) $(DOM0_GUESTS)
	dom0/mkdom0.sh $(DOM0_OUT) $(DOM0_INITRD_TOOLS) --tests $(DOM0_TEST_TOOLS) \
		--guests $(DOM0_GUESTS)

.PHONY: dom0 dom0-native
dom0: $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.img

# The same kernel and initramfs on the bare emulated machine, no Umbra:
# what dom0 is measured against.
dom0-native: dom0
	qemu-system-x86_64 $(QEMU_FLAGS) -kernel $(DOM0_OUT)/vmlinuz \
		-initrd $(DOM0_OUT)/initrd.img -append "console=ttyS0 quiet"

CHECK_SUITES += tests/e2e/dom0.sh
CHECK_DEPS += $(DOM0_OUT)/vmlinuz $(DOM0_OUT)/initrd.img
CHECK_DEPS += $(BUILD)/guests/hello.elf $(BUILD)/guests/timer.elf $(BUILD)/test/umbra.elf
include dom0/linux-guest/linux-guest.mk
