# minios: the runtime of Umbra's PV test guests (pvguest-patches/minios/).
# A PV guest is tests/guests/pvNAME/*.c linked with these objects and
# minios.lds into build/guests/pvNAME.elf (64-bit ELF with Xen's PV notes).
#   pvhello   start_info, ring 3, a few hypercalls, the time records (time.c), shutdown with a status
#   pvtraps   trap table, bounce and iret; update_va_mapping, mmu_update, mmuext_op,
#             writable page tables, forced CPUID, callbacks, event upcalls, VIRQ_TIMER,
#             grant tables the Xen way (grant.c: machine frames, version 2, device maps),
#             memory_op and xen_version queries, set_callbacks (subops.c),
#             bad pointers and lengths in every hypercall (badptr.c, table-driven)
#   pvpingpong  two PV domains over an interdomain event channel (role=server|client;
#             with hold and role=victim: a granter destroyed under its mapper)
#   pvbench   the null hypercall through the hypercall page, timed (make bench-pv)
#   pvxonly   the execute-only hypercall page, WRPKRU/XRSTOR rewriting and refusals, W^X
#   pvabi     set_gdt/update_descriptor, guest user mode, fpu_taskswitch, multicall, M2P
#   pvptattack  shared-pt's page-table attacks by hypercall and by 8/4-byte and
#             cmpxchg(8b/16b) stores under writable page tables; translated too
#   pvsmp     two vCPUs: VCPUOP_initialise/up/down/is_up, events between them, TLB shootdown,
#             vCPU 1 on its own tables, GDT and LDT (own.c: update_descriptor, grants)
#   pvmem     memory reservations: frames given back, refused, populated again; bad arguments
#   pvring    created by vmctl (type = "pv"): its store and console rings from start_info
#   pvtimer   set_timer_op, VCPUOP one-shot timers, SCHEDOP_poll, EVTCHNOP_unmask (both modes)
#   pvproc    the timer helper and user processes, each in an address space of its own
#   pvptwork  ptwork's paging workload (tests/guests/ptwork's sources) on
#             shared or translated page tables (make bench-paging)
#   pvrwx     linked as XTF links its kernels (its own pvrwx.lds: one writable
#             and executable segment): mapped per section, W^X, when translated

MINIOS_DIR := pvguest-patches/minios
MINIOS_OBJ := $(BUILD)/minios/obj
PV_GUESTS := pvhello pvtraps pvpingpong pvbench pvxonly pvabi pvring pvsmp pvptattack pvtimer pvmem pvproc

MINIOS_CPPFLAGS := -nostdinc -isystem $(shell $(GUEST_CC) -print-file-name=include) \
	-Ihypervisor/include -I$(MINIOS_DIR)/include
MINIOS_LDS := $(MINIOS_DIR)/minios.lds
MINIOS_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(MINIOS_LDS) -Wl,--build-id=none \
	-Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
MINIOS_SRCS := $(sort $(wildcard $(MINIOS_DIR)/*.c $(MINIOS_DIR)/*.S))
minios_objs = $(patsubst %,$(MINIOS_OBJ)/%.o,$(basename $(1)))
MINIOS_OBJS := $(call minios_objs,$(MINIOS_SRCS))
# A guest links head.o (the entry) and takes from the archive only what
# it uses: the process pool (proc.c) stays out of guests without processes.
MINIOS_HEAD := $(MINIOS_OBJ)/$(MINIOS_DIR)/head.o
MINIOS_LIB := $(BUILD)/minios/libminios.a
MINIOS_LINK := $(MINIOS_HEAD) $(MINIOS_LIB)

$(MINIOS_LIB): $(filter-out $(MINIOS_HEAD),$(MINIOS_OBJS))
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(MINIOS_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(MINIOS_CPPFLAGS) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(MINIOS_OBJ)/%.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(MINIOS_CPPFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@

# $(call pv_guest_image,NAME)
define pv_guest_image
$(GUEST_BIN)/$(1).elf: $(call minios_objs,$(sort $(wildcard tests/guests/$(1)/*.c))) \
		$(MINIOS_LINK) $(MINIOS_LDS)
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_CFLAGS) $$(MINIOS_LDFLAGS) -o $$@ $$(filter %.o %.a,$$^)
endef
$(foreach g,$(PV_GUESTS),$(eval $(call pv_guest_image,$(g))))

# pvptwork: the HVM ptwork's workload compiled against PV versions of the
# guest library headers it uses (tests/guests/pvptwork/*.h).
PVPTWORK_SRCS := $(sort $(wildcard tests/guests/pvptwork/*.c)) tests/guests/ptwork/workload.c \
	tests/guests/ptwork/ops.c tests/guests/ptwork/verify.c tests/guests/lib/jump.S
$(call minios_objs,$(PVPTWORK_SRCS)): MINIOS_CPPFLAGS += -Itests/guests/pvptwork
$(GUEST_BIN)/pvptwork.elf: $(call minios_objs,$(PVPTWORK_SRCS)) $(MINIOS_LINK) $(MINIOS_LDS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(MINIOS_LDFLAGS) -o $@ $(filter %.o %.a,$^)

# pvrwx: its own linker script, one PT_LOAD both writable and executable.
PVRWX_LDS := tests/guests/pvrwx/pvrwx.lds
$(GUEST_BIN)/pvrwx.elf: $(call minios_objs,$(sort $(wildcard tests/guests/pvrwx/*.c))) \
		$(MINIOS_OBJS) $(PVRWX_LDS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(subst $(MINIOS_LDS),$(PVRWX_LDS),$(MINIOS_LDFLAGS)) \
		-o $@ $(filter %.o,$^)

PV_GUEST_IMAGES := $(PV_GUESTS:%=$(GUEST_BIN)/%.elf) $(GUEST_BIN)/pvptwork.elf \
	$(GUEST_BIN)/pvrwx.elf
ALL_TARGETS += $(PV_GUEST_IMAGES)
