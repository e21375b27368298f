# base/: what the three freestanding parts (hypervisor/, mmu/, shared-pt/)
# share: errno.h (the guest ABI's error numbers) and string.h/string.c
# (memcpy, strlen, ...). It includes nothing of the hypervisor's but its
# public ABI, and neither may mmu/ or shared-pt/: scripts/check-borders.sh
# enforces that on every `make`.
#
# The hypervisor links $(BASE_SRCS). Host builds of mmu/ and shared-pt/
# use the host libc's string functions instead; the unit test compares
# base/string.c, compiled with umbra_ names, against that libc.

BASE_SRCS := $(sort $(wildcard base/*.c))
ALL_TARGETS += $(BASE_SRCS:%.c=$(BUILD)/kernel/%.o)

BASE_TEST_DIR := tests/unit/base
BASE_TEST_BIN := $(BUILD)/$(BASE_TEST_DIR)

BASE_STRING_FUNCS := memcpy memmove memset memcmp memchr strlen strnlen \
	strcmp strncmp strchr strrchr
$(BUILD)/san/base/string.o: \
	HOST_CFLAGS += $(foreach f,$(BASE_STRING_FUNCS),-D$(f)=umbra_$(f))

$(eval $(call cmocka_test,$(BASE_TEST_BIN)/test_string, \
	$(BUILD)/san/$(BASE_TEST_DIR)/test_string.o $(BUILD)/san/base/string.o))

# The border check is a build step: a stamp remade whenever a source of
# the freestanding libraries changes. Its own test feeds it bad includes.
BORDER_SRCS := $(sort $(wildcard $(addsuffix /*.[chS],base mmu shared-pt)))
$(BUILD)/borders.ok: scripts/check-borders.sh $(BORDER_SRCS)
	@mkdir -p $(dir $@)
	scripts/check-borders.sh
	@touch $@
ALL_TARGETS += $(BUILD)/borders.ok
CHECK_DEPS += $(BUILD)/borders.ok
CHECK_SUITES += $(BASE_TEST_DIR)/test_borders.sh
