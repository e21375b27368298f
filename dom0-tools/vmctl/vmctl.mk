# vmctl: create, list, watch and destroy domains from dom0 (vmctl(1)).
# VMCTL_CONFIG_SRCS is the config parser alone (pure C): the unit tests
# and the fuzzer link it directly. VMCTL_CLI_SRCS is the rest of the
# program; it speaks to the hypervisor only through libvmctl and to the
# store only through libvmstore, both linked statically (dom0's
# initramfs carries no shared library of ours).

VMCTL_DIR := dom0-tools/vmctl
VMCTL_CONFIG_SRCS := $(VMCTL_DIR)/config.c $(VMCTL_DIR)/config_syntax.c \
	$(VMCTL_DIR)/cpus.c
VMCTL_CLI_SRCS := $(filter-out $(VMCTL_CONFIG_SRCS), \
	$(sort $(wildcard $(VMCTL_DIR)/*.c)))
VMCTL_SRCS := $(VMCTL_CONFIG_SRCS) $(VMCTL_CLI_SRCS)
VMCTL := $(DOM0_BUILD)/vmctl

ALL_TARGETS += $(VMCTL_SRCS:%.c=$(BUILD)/host/%.o)

# The program itself, once libvmctl is part of the build.
ifneq ($(LIBVMCTL_A),)
$(VMCTL): $(VMCTL_SRCS:%.c=$(BUILD)/host/%.o) $(LIBVMCTL_A) $(LIBVMSTORE_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $^ $(LIBVMCTL_LIBS) $(LIBVMSTORE_LIBS) -o $@
ALL_TARGETS += $(VMCTL)
DOM0_INSTALL_BIN += $(VMCTL)
endif

# Manual pages (scdoc) and bash completion, installed by make install.
VMCTL_MAN := $(DOM0_BUILD)/man/vmctl.1 $(DOM0_BUILD)/man/vmctl.cfg.5
$(DOM0_BUILD)/man/%: $(VMCTL_DIR)/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@.tmp && mv $@.tmp $@
ALL_TARGETS += $(VMCTL_MAN)

.PHONY: install-vmctl-docs
install-dom0-tools: install-vmctl-docs
install-vmctl-docs: $(VMCTL_MAN)
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 $(DOM0_BUILD)/man/vmctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(DOM0_BUILD)/man/vmctl.cfg.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(VMCTL_DIR)/vmctl.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vmctl
