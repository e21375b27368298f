# Tools and flags shared by every component's *.mk fragment.
#
# Conventions for fragments (DIR/NAME.mk for each DIR in the Makefile's
# COMPONENTS; they only append, with +=, to):
#   ALL_TARGETS  += files `make` builds
#   CHECK_SUITES += executables `make check` runs (built first); a suite is
#                   a cmocka binary or any program printing PASS:/FAIL: lines
#   CHECK_DEPS   += extra files `make check` builds before running suites
#   BENCH_TARGETS += phony targets `make bench` runs
#   FUZZ_TARGETS  += libFuzzer binaries (built by `make check` too)
# Everything built goes under $(BUILD).

SHELL := /bin/bash
BUILD ?= build

HOST_CC ?= gcc
FUZZ_CC ?= clang
KERNEL_CC ?= gcc
LD ?= ld
OBJCOPY ?= objcopy
NM ?= nm

WARN_CFLAGS := -Wall -Wextra -Werror
# Host code: tools, daemons, unit tests, benchmarks.
HOST_CFLAGS ?= -std=c11 $(WARN_CFLAGS) -O2 -g -D_DEFAULT_SOURCE -D_GNU_SOURCE
HOST_CPPFLAGS := -I. -Ihypervisor/include
# Unit tests run with sanitizers: cheap at host speed, catches what cmocka cannot.
SAN_CFLAGS ?= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Freestanding code (hypervisor/, mmu/, shared-pt/) as built into the
# hypervisor: no red zone (interrupts use the stack), no SSE state to
# save on entry, frame pointers in every function and no tail calls so
# backtraces miss no caller, -2 GiB code model.
KERNEL_CFLAGS := -std=c11 $(WARN_CFLAGS) -O2 -g -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
	-fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-strict-aliasing -fno-common
KERNEL_CPPFLAGS := -I. -Ihypervisor/include -nostdinc -isystem $(shell $(KERNEL_CC) -print-file-name=include)

CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# Compile a host object: $(call host_cc,OUT,SRC,EXTRA_FLAGS)
$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# Host objects with sanitizers, for unit tests.
$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) $(SAN_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -c $< -o $@

# Objects for libFuzzer targets.
$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(HOST_CPPFLAGS) -std=c11 $(WARN_CFLAGS) -O1 -g -D_DEFAULT_SOURCE -D_GNU_SOURCE \
		-fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

# Freestanding objects linked into the hypervisor.
$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(KERNEL_CPPFLAGS) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kernel/%.o: %.S
	@mkdir -p $(dir $@)
	$(KERNEL_CC) $(KERNEL_CPPFLAGS) -D__ASSEMBLY__ -MMD -MP -c $< -o $@
