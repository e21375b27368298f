# vmctl: create, list, watch and destroy domains from dom0 (vmctl(1)).
# VMCTL_CONFIG_SRCS is the config parser alone (pure C): the unit tests
# and the fuzzer link it directly.

VMCTL_DIR := dom0-tools/vmctl
VMCTL_CONFIG_SRCS := $(VMCTL_DIR)/config.c $(VMCTL_DIR)/config_syntax.c \
	$(VMCTL_DIR)/cpus.c

ALL_TARGETS += $(VMCTL_CONFIG_SRCS:%.c=$(BUILD)/host/%.o)
