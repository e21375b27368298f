# HVM groundwork: the instruction decoder, the ELF loader, the
# PVH start-info builder and the public guest ABI headers.
#
# `make` compiles the freestanding sources as the hypervisor does and
# checks every public header alone in five settings (host C11 -pedantic,
# freestanding kernel flags, 32-bit freestanding, C++11, assembler).
# `make check` runs the cmocka suites (sanitizer builds) and the
# differential test of the decoder against Zydis.

HVM_TEST_DIR := tests/unit/hvm
HVM_BIN := $(BUILD)/$(HVM_TEST_DIR)

HVM_INSN_SRCS := $(sort $(wildcard hypervisor/arch/x86/insn/*.c))
HVM_LOADER_SRCS := hypervisor/common/elf_loader.c hypervisor/common/elf_wx.c \
	hypervisor/common/pvh_start_info.c
HVM_FREESTANDING := $(HVM_INSN_SRCS) $(HVM_LOADER_SRCS)
ALL_TARGETS += $(patsubst %.c,$(BUILD)/kernel/%.o,$(HVM_FREESTANDING))

# --- public headers: each must stand alone everywhere it is used -------
HVM_PUBLIC_HEADERS := abi.h xen.h sched.h version.h event_channel.h elfnote.h \
	hvm/start_info.h arch-x86/cpuid.h umbra.h mgmt.h errno.h
HVM_HDR_STAMPS := $(HVM_PUBLIC_HEADERS:%=$(BUILD)/hvm/headers/%.ok)
ALL_TARGETS += $(HVM_HDR_STAMPS)

HVM_HDR_WARN := -Wall -Wextra -Werror
# g++ is not among the build packages; clang++ comes with clang.
HVM_CXX := $(firstword $(shell command -v g++ clang++ 2>/dev/null))
$(BUILD)/hvm/headers/%.ok: hypervisor/include/public/%
	@mkdir -p $(dir $@)
	@printf '#include "hypervisor/include/public/%s"\ntypedef int hvm_header_check;\n' $* > $@.c
	@cp $@.c $@.cc
	@printf '#include "hypervisor/include/public/%s"\n' $* > $@.S
	$(HOST_CC) -std=c11 -pedantic $(HVM_HDR_WARN) -I. -c $@.c -o $@.host.o
	$(KERNEL_CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -c $@.c -o $@.kernel.o
	$(KERNEL_CC) -m32 -std=c11 -ffreestanding -nostdinc \
		-isystem $(shell $(KERNEL_CC) -print-file-name=include) \
		$(HVM_HDR_WARN) -I. -c $@.c -o $@.m32.o
	$(if $(HVM_CXX),$(HVM_CXX) -std=c++11 $(HVM_HDR_WARN) -I. -c $@.cc -o $@.cxx.o,@echo "no C++ compiler: skipped the C++ check of $*")
	$(KERNEL_CC) -D__ASSEMBLY__ -I. -c $@.S -o $@.asm.o
	@touch $@

# --- cmocka suites -----------------------------------------------------
# $(call hvm_test,NAME,SOURCES): $(HVM_BIN)/NAME from $(HVM_TEST_DIR)/NAME.c
# and the sanitizer objects of SOURCES.
define hvm_test
$(call cmocka_test,$(HVM_BIN)/$(1),$(BUILD)/san/$(HVM_TEST_DIR)/$(1).o \
	$(patsubst %.c,$(BUILD)/san/%.o,$(2)))
endef

$(eval $(call hvm_test,test_insn,$(HVM_INSN_SRCS)))
# The exit fast path's reading of dom0's APIC stores, against the decoder.
$(eval $(call hvm_test,test_mov_store32,$(HVM_INSN_SRCS)))
$(eval $(call hvm_test,test_public_abi,))
$(eval $(call hvm_test,test_abi_layout,))
# Xen's compat layouts (32-bit callers, 32-bit shared_info).
$(eval $(call hvm_test,test_compat_layout,))
$(eval $(call hvm_test,test_pvclock_scale,hypervisor/common/pvclock_scale.c))
$(eval $(call hvm_test,test_emulate_store,hypervisor/arch/x86/hvm/emulate_store.c $(HVM_INSN_SRCS)))
$(eval $(call hvm_test,test_emulate_absent,hypervisor/arch/x86/hvm/emulate_absent.c \
	hypervisor/arch/x86/hvm/emulate_store.c $(HVM_INSN_SRCS)))
# The virtual local APIC's arithmetic, and MMIO completion against a device.
$(eval $(call hvm_test,test_vlapic_regs,hypervisor/arch/x86/hvm/vlapic_regs.c \
	hypervisor/arch/x86/hvm/emulate_absent.c hypervisor/arch/x86/hvm/emulate_store.c \
	$(HVM_INSN_SRCS)))
$(eval $(call hvm_test,test_guest_access,hypervisor/arch/x86/guest_access.c \
	hypervisor/common/domain_memory.c mmu/walk.c mmu/walk32.c))
$(eval $(call hvm_test,test_event_2l,hypervisor/common/event_2l.c \
	hypervisor/arch/x86/guest_access.c hypervisor/common/domain_memory.c mmu/walk.c mmu/walk32.c))
$(eval $(call hvm_test,test_elf_loader,hypervisor/common/elf_loader.c hypervisor/common/elf_wx.c \
	$(HVM_TEST_DIR)/elf_build.c))
$(eval $(call hvm_test,test_elf_pv,hypervisor/common/elf_loader.c hypervisor/common/elf_wx.c \
	$(HVM_TEST_DIR)/elf_build.c))
# The loader test also loads the real hello guest.
HVM_HELLO_ELF := $(BUILD)/guests/hello.elf
$(BUILD)/san/$(HVM_TEST_DIR)/test_elf_loader.o: HOST_CFLAGS += -DHVM_HELLO_ELF='"$(HVM_HELLO_ELF)"'
$(HVM_BIN)/test_elf_loader: | $(HVM_HELLO_ELF)
$(eval $(call hvm_test,test_pvh_start_info,hypervisor/common/pvh_start_info.c))
$(eval $(call hvm_test,test_pvh_acpi,hypervisor/common/pvh_acpi.c))
$(eval $(call hvm_test,test_pit2,hypervisor/arch/x86/hvm/pit2.c))
# Exit codes by the management interface's reasons.
$(eval $(call hvm_test,test_exit_category,hypervisor/arch/x86/svm/svm_exit_category.c))
# A domain's copy of the host CPUID leaves, against the live policy.
$(eval $(call hvm_test,test_cpuid_domain,hypervisor/arch/x86/svm/svm_cpuid.c \
	hypervisor/arch/x86/cpuid_policy.c))

# --- libFuzzer targets (built by `make check`; `make fuzz-hvm` runs them) --
HVM_FUZZERS := fuzz_elf_loader fuzz_insn
HVM_FUZZ_RUNS ?= 200000
$(HVM_BIN)/fuzz_elf_loader: $(BUILD)/fuzz/$(HVM_TEST_DIR)/fuzz_elf_loader.o \
		$(BUILD)/fuzz/hypervisor/common/elf_loader.o $(BUILD)/fuzz/hypervisor/common/elf_wx.o
$(HVM_BIN)/fuzz_insn: $(BUILD)/fuzz/$(HVM_TEST_DIR)/fuzz_insn.o \
		$(patsubst %.c,$(BUILD)/fuzz/%.o,$(HVM_INSN_SRCS))
$(HVM_FUZZERS:%=$(HVM_BIN)/%):
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@
FUZZ_TARGETS += $(HVM_FUZZERS:%=$(HVM_BIN)/%)

.PHONY: fuzz-hvm
fuzz-hvm: $(HVM_FUZZERS:%=$(HVM_BIN)/%) $(HVM_HELLO_ELF)
	@mkdir -p $(BUILD)/fuzz-corpus/hvm/fuzz_elf_loader
	@cp $(HVM_HELLO_ELF) $(BUILD)/fuzz-corpus/hvm/fuzz_elf_loader/seed-hello.elf
	@for f in $(HVM_FUZZERS:%=$(HVM_BIN)/%); do \
		mkdir -p $(BUILD)/fuzz-corpus/hvm/$$(basename $$f); \
		$$f -runs=$(HVM_FUZZ_RUNS) -max_len=4096 -seed=1 \
			$(BUILD)/fuzz-corpus/hvm/$$(basename $$f) || exit 1; \
	done

# --- the decoder against Zydis ----------------------------------------
# Optimised host build (the run covers ~17 million encodings in seconds).
ifneq ($(wildcard /usr/include/Zydis/Zydis.h),)
HVM_IVZ_OBJS := $(BUILD)/host/$(HVM_TEST_DIR)/insn_vs_zydis.o \
	$(patsubst %.c,$(BUILD)/host/%.o,$(HVM_INSN_SRCS))
$(HVM_BIN)/insn_vs_zydis: $(HVM_IVZ_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ -lZydis -o $@
CHECK_SUITES += $(HVM_BIN)/insn_vs_zydis
else
$(warning libzydis-dev missing: the decoder's differential test is skipped (apt-get install libzydis-dev))
endif

# The Linux boot loader dom0 is started with, and the memory maps it hands over.
HVM_LINUX_SRCS := hypervisor/common/bzimage.c hypervisor/common/linux_boot.c \
	hypervisor/common/linux_boot_write.c hypervisor/common/e820.c
ALL_TARGETS += $(patsubst %.c,$(BUILD)/kernel/%.o,$(HVM_LINUX_SRCS))
$(eval $(call hvm_test,test_e820,hypervisor/common/e820.c))
$(eval $(call hvm_test,test_linux_boot,$(HVM_LINUX_SRCS)))
ALL_TARGETS += $(BUILD)/kernel/hypervisor/arch/x86/acpi_dom0.o
$(eval $(call hvm_test,test_acpi_dom0,hypervisor/arch/x86/acpi_dom0.c))
