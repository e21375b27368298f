# The hypervisor image: build/umbra.elf (release) and build/test/umbra.elf
# (test build: panics exit QEMU with a failure status, test-only options).
# Both link the same objects; the test build adds hypervisor/test/*.c and
# hypervisor/arch/x86/*/test/*.S (the exit floor, svm/test/vmrun_floor.S).

HV_LDS_SRC := hypervisor/arch/x86/umbra.lds.S
HV_SRCS := $(filter-out $(HV_LDS_SRC),$(sort $(wildcard hypervisor/arch/x86/*.c \
	hypervisor/arch/x86/*.S hypervisor/arch/x86/*/*.c hypervisor/arch/x86/*/*.S \
	hypervisor/common/*.c))) $(BASE_SRCS) $(MMU_SRCS) $(SHARED_PT_SRCS)
HV_TEST_SRCS := $(sort $(wildcard hypervisor/test/*.c hypervisor/arch/x86/*/test/*.S))

hv_objs = $(patsubst %,$(BUILD)/kernel/%.o,$(basename $(1)))
HV_OBJS := $(call hv_objs,$(HV_SRCS))
HV_TEST_OBJS := $(call hv_objs,$(HV_TEST_SRCS))
HV_LDFLAGS := -n -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments

$(BUILD)/kernel/umbra.lds: $(HV_LDS_SRC)
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(KERNEL_CPPFLAGS) -D__ASSEMBLY__ -E -P -x c $< -o $@

# Two-pass link so that exception backtraces can name functions: link with
# an empty symbol table, list the text symbols, link again with them. The
# table sits after .text, so text addresses are identical in both passes.
define hv_link
$(1)/umbra.elf: $(HV_OBJS) $(2) $(BUILD)/kernel/umbra.lds hypervisor/gen-symbols.sh
	@mkdir -p $(1)
	hypervisor/gen-symbols.sh /dev/null > $(1)/syms0.S
	$(KERNEL_CC) -D__ASSEMBLY__ -c $(1)/syms0.S -o $(1)/syms0.o
	$(LD) $(HV_LDFLAGS) -T $(BUILD)/kernel/umbra.lds -o $(1)/umbra.pass1 $(HV_OBJS) $(2) $(1)/syms0.o
	$(NM) -n --defined-only $(1)/umbra.pass1 | hypervisor/gen-symbols.sh - > $(1)/syms.S
	$(KERNEL_CC) -D__ASSEMBLY__ -c $(1)/syms.S -o $(1)/syms.o
	$(LD) $(HV_LDFLAGS) -T $(BUILD)/kernel/umbra.lds -o $$@ $(HV_OBJS) $(2) $(1)/syms.o
	@cmp -s <($(NM) -n $(1)/umbra.pass1 | grep ' [tT] ') <($(NM) -n $$@ | grep ' [tT] ') || \
		{ echo "symbol table pass moved text symbols" >&2; rm -f $$@; exit 1; }
endef

$(eval $(call hv_link,$(BUILD),))
$(eval $(call hv_link,$(BUILD)/test,$(HV_TEST_OBJS)))

# Boot ISOs. UMBRA_CMDLINE is the hypervisor command line; UMBRA_MODULES is a
# list of "file args..." entries separated by ';' that become module2 lines.
UMBRA_CMDLINE ?= console=com1 loglvl=info
UMBRA_MODULES ?=
export UMBRA_CMDLINE UMBRA_MODULES

$(BUILD)/umbra.iso: $(BUILD)/umbra.elf scripts/mkiso.sh
	scripts/mkiso.sh $@ $< "$(UMBRA_CMDLINE)" "$(UMBRA_MODULES)"

ALL_TARGETS += $(BUILD)/umbra.elf $(BUILD)/umbra.iso $(BUILD)/test/umbra.elf
CHECK_DEPS += $(BUILD)/test/umbra.elf $(BUILD)/umbra.elf

QEMU_SMP ?= 2
QEMU_MEM ?= 1G
QEMU_FLAGS ?= -M q35 -cpu EPYC-Milan,+svm,+npt -smp $(QEMU_SMP) -m $(QEMU_MEM) \
	-nographic -no-reboot -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: run-now run-bare run-bare-now
# `make run`: GRUB -> Umbra -> dom0's shell on this terminal (COM1); Umbra's
# messages after the handover go to COM2, kept in build/umbra-com2.log.
# `make run-bare`: Umbra alone with UMBRA_MODULES (no dom0 unless given).
# The ISO is rebuilt on every run so a changed UMBRA_CMDLINE takes effect.
DOM0_CMDLINE ?= console=ttyS0 quiet
run-now: QEMU_MEM = 2G
run-now: $(BUILD)/umbra.elf $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img
	scripts/mkiso.sh $(BUILD)/umbra.iso $< "$(UMBRA_CMDLINE)" \
		"$(BUILD)/dom0/vmlinuz $(DOM0_CMDLINE); $(BUILD)/dom0/initrd.img; $(UMBRA_MODULES)"
	qemu-system-x86_64 $(QEMU_FLAGS) -serial mon:stdio \
		-serial file:$(BUILD)/umbra-com2.log -cdrom $(BUILD)/umbra.iso; \
	rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 33 ]

run-bare: deps
	@$(MAKE) --no-print-directory run-bare-now

run-bare-now: $(BUILD)/umbra.elf
	scripts/mkiso.sh $(BUILD)/umbra.iso $< "$(UMBRA_CMDLINE)" "$(UMBRA_MODULES)"
	qemu-system-x86_64 $(QEMU_FLAGS) -cdrom $(BUILD)/umbra.iso; \
	rc=$$?; [ $$rc -eq 0 ] || [ $$rc -eq 33 ]

PREFIX ?= /usr/local
DESTDIR ?=
.PHONY: install install-hypervisor
install: install-hypervisor
install-hypervisor: $(BUILD)/umbra.elf
	install -D -m 0644 $(BUILD)/umbra.elf $(DESTDIR)/boot/umbra.elf
	install -D -m 0755 scripts/grub.d/20_linux_umbra $(DESTDIR)/etc/grub.d/20_linux_umbra
