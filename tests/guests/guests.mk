# Test guests: tiny freestanding PVH kernels (ELF64, entered in 32-bit
# mode through the XEN_ELFNOTE_PHYS32_ENTRY note) built with the host
# gcc into build/guests/NAME.elf. Each guest is tests/guests/NAME/*.c
# linked with the runtime in tests/guests/lib/:
#   hello      prints what it sees and shuts down with a status
#   compute    busy loop until a guest time (fairness)
#   timer      set_timer_op + SCHEDOP_block / HLT sleeps, checked
#   ptwork     the paging workload (own address spaces, checksum)
#   hostile    attacks the hypervisor, checks each fails as promised
#   exitbench  exit round-trip costs for make bench-hvm
#   selftest   the runtime's own trap, user-mode and page-table helpers
#   smp        starts the other vCPUs with VCPUOP_initialise/up
#   evtchn     event channels: VIRQ_TIMER, poll, IPIs, an interdomain ping-pong
#   grant      grant tables: granter, mapper and attacker roles (and pvmapper:
#              an HVM mapper of a PV granter, tests/e2e/gntdestroy.sh)
#   memop      memory_op round trips, pvclock, runstate, register_vcpu_info, bad arguments
#   vlapic     the virtual local APIC: registers, IPIs, ESR, timer, odd accesses
#   hvm32      32-bit protected mode, paging off/2-level/PSE/PAE, hypercalls (own runtime)
#   insnskip   skipped exits in forms the fast path must leave to the decoder
#   counter    prints an increasing sequence (save and restore)
#
# `make check` also boots hello, selftest and ptwork under plain QEMU (its
# PVH loader), which exercises the runtime without a hypervisor; the
# scenarios with the hypervisor are tests/e2e/hvm.sh.

GUEST_DIR := tests/guests
GUEST_BIN := $(BUILD)/guests
GUEST_OBJ := $(BUILD)/guests/obj
GUESTS := hello compute timer ptwork hostile exitbench selftest smp evtchn grant memop vlapic insnskip xs counter

GUEST_CC := $(KERNEL_CC)
GUEST_CFLAGS := -std=c11 $(WARN_CFLAGS) -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fcf-protection=none -fno-omit-frame-pointer \
	-fno-tree-loop-distribute-patterns
GUEST_CPPFLAGS := -nostdinc -isystem $(shell $(GUEST_CC) -print-file-name=include) \
	-Ihypervisor/include -I$(GUEST_DIR)/lib
GUEST_LDS := $(GUEST_DIR)/lib/guest.lds
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(GUEST_LDS) -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

GUEST_LIB_SRCS := $(sort $(wildcard $(GUEST_DIR)/lib/*.c $(GUEST_DIR)/lib/*.S))
guest_objs = $(patsubst $(GUEST_DIR)/%,$(GUEST_OBJ)/%.o,$(basename $(1)))
GUEST_LIB_OBJS := $(call guest_objs,$(GUEST_LIB_SRCS))

$(GUEST_OBJ)/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CPPFLAGS) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_OBJ)/%.o: $(GUEST_DIR)/%.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CPPFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

# $(call guest_image,NAME)
define guest_image
$(GUEST_BIN)/$(1).elf: $(call guest_objs,$(sort $(wildcard $(GUEST_DIR)/$(1)/*.c $(GUEST_DIR)/$(1)/*.S))) \
		$(GUEST_LIB_OBJS) $(GUEST_LDS)
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $$(GUEST_LDFLAGS) -o $$@ \
		$$(filter %.o,$$^)
endef
$(foreach g,$(GUESTS),$(eval $(call guest_image,$(g))))

# hvm32: stays in 32-bit mode, so it is built -m32 with its own tiny
# runtime and linker script (tests/guests/hvm32/), as an ELF32 EM_386.
GUEST32_DIR := $(GUEST_DIR)/hvm32
GUEST32_OBJ := $(BUILD)/guests/obj32
GUEST32_CFLAGS := $(filter-out -mcmodel=small,$(GUEST_CFLAGS)) -m32
GUEST32_LDS := $(GUEST32_DIR)/hvm32.lds
GUEST32_OBJS := $(patsubst $(GUEST32_DIR)/%,$(GUEST32_OBJ)/%.o,\
	$(basename $(sort $(wildcard $(GUEST32_DIR)/*.c $(GUEST32_DIR)/*.S))))

$(GUEST32_OBJ)/%.o: $(GUEST32_DIR)/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CPPFLAGS) $(GUEST32_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST32_OBJ)/%.o: $(GUEST32_DIR)/%.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CPPFLAGS) -m32 -D__ASSEMBLY__ -MMD -MP -c $< -o $@

$(GUEST_BIN)/hvm32.elf: $(GUEST32_OBJS) $(GUEST32_LDS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST32_CFLAGS) -nostdlib -static -no-pie -Wl,-T,$(GUEST32_LDS) \
		-Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack \
		-Wl,--no-warn-rwx-segments -o $@ $(GUEST32_OBJS)

GUEST_IMAGES := $(GUESTS:%=$(GUEST_BIN)/%.elf) $(GUEST_BIN)/hvm32.elf
ALL_TARGETS += $(GUEST_IMAGES)

CHECK_SUITES += $(GUEST_DIR)/run-bare.sh
CHECK_DEPS += $(GUEST_IMAGES)

# PV guests (tests/guests/pv*/) on the minios runtime; they need the
# definitions above.
include pvguest-patches/minios/minios.mk
