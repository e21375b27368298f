# Host unit tests for the plain-logic modules in hypervisor/common/.
#
# The modules are freestanding; `make` compiles each as the hypervisor
# does (KERNEL_CFLAGS) so a non-freestanding construct fails early. The
# tests link sanitizer builds of the same sources with cmocka. vsnprintf.c,
# whose symbols exist in the host libc, is compiled with -D renames to
# umbra_*, so its test can compare against libc (base/string.c: base/base.mk).

HVC_TEST_DIR := tests/unit/hv-common
HVC_BIN := $(BUILD)/$(HVC_TEST_DIR)
HVC_MODULES := vsnprintf logbuf multiboot2 cmdline page_alloc heap \
	domain_spec log_escape dom0_mem dom0_layout e820 \
	consensus page_pool ratelimit dom0_modules mgmt_check ring_window \
	evtchn_table grant_entry sched_timer_rule

HVC_KERNEL_OBJS := $(HVC_MODULES:%=$(BUILD)/kernel/hypervisor/common/%.o)
ALL_TARGETS += $(HVC_KERNEL_OBJS)

$(BUILD)/san/hypervisor/common/vsnprintf.o: \
	HOST_CFLAGS += -Dvsnprintf=umbra_vsnprintf -Dsnprintf=umbra_snprintf

# $(call hvc_test,NAME,MODULES): test binary NAME from
# $(HVC_TEST_DIR)/NAME.c and the sanitizer objects of MODULES.
define hvc_test
$(call cmocka_test,$(HVC_BIN)/$(1),$(BUILD)/san/$(HVC_TEST_DIR)/$(1).o \
	$(2:%=$(BUILD)/san/hypervisor/common/%.o))
endef

$(eval $(call hvc_test,test_vsnprintf,vsnprintf))
$(eval $(call hvc_test,test_logbuf,logbuf))
$(eval $(call hvc_test,test_multiboot2,multiboot2))
$(eval $(call hvc_test,test_cmdline,cmdline))
$(eval $(call hvc_test,test_dom0_mem,dom0_mem cmdline))
$(eval $(call hvc_test,test_dom0_layout,dom0_layout e820))
$(eval $(call hvc_test,test_dom0_modules,dom0_modules))
$(eval $(call hvc_test,test_page_alloc,page_alloc))
$(eval $(call hvc_test,test_heap,heap))
$(eval $(call hvc_test,test_page_pool,page_pool))
$(eval $(call hvc_test,test_domain_spec,domain_spec cmdline))
$(eval $(call hvc_test,test_log_escape,log_escape))
$(eval $(call hvc_test,test_consensus,consensus))
$(eval $(call hvc_test,test_ratelimit,ratelimit))
$(eval $(call hvc_test,test_grant_entry,grant_entry))
$(eval $(call hvc_test,test_mgmt,mgmt_check ring_window domain_spec cmdline))
$(eval $(call hvc_test,test_evtchn_table,evtchn_table))
$(eval $(call hvc_test,test_sched_timer_rule,sched_timer_rule))

# libFuzzer targets for the parsers of untrusted input; `make check`
# builds them, `make fuzz-hv-common` gives each a short run.
HVC_FUZZERS := fuzz_multiboot2 fuzz_cmdline fuzz_domain_spec
HVC_FUZZ_RUNS ?= 200000

$(HVC_BIN)/fuzz_multiboot2: $(BUILD)/fuzz/$(HVC_TEST_DIR)/fuzz_multiboot2.o \
		$(BUILD)/fuzz/hypervisor/common/multiboot2.o
$(HVC_BIN)/fuzz_cmdline: $(BUILD)/fuzz/$(HVC_TEST_DIR)/fuzz_cmdline.o \
		$(BUILD)/fuzz/hypervisor/common/cmdline.o
$(HVC_BIN)/fuzz_domain_spec: $(BUILD)/fuzz/$(HVC_TEST_DIR)/fuzz_domain_spec.o \
		$(BUILD)/fuzz/hypervisor/common/domain_spec.o \
		$(BUILD)/fuzz/hypervisor/common/cmdline.o \
		$(BUILD)/fuzz/hypervisor/common/log_escape.o
$(HVC_FUZZERS:%=$(HVC_BIN)/%):
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined $^ -o $@
FUZZ_TARGETS += $(HVC_FUZZERS:%=$(HVC_BIN)/%)

.PHONY: fuzz-hv-common
fuzz-hv-common: $(HVC_FUZZERS:%=$(HVC_BIN)/%)
	@for f in $^; do \
		mkdir -p $(BUILD)/fuzz-corpus/hv-common/$$(basename $$f); \
		$$f -runs=$(HVC_FUZZ_RUNS) -max_len=1024 -seed=1 \
			$(BUILD)/fuzz-corpus/hv-common/$$(basename $$f) || exit 1; \
	done
