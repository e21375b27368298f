# vmtop: the ncurses monitor of Umbra's domains, with xentop's batch
# mode (vmtop(1)). VMTOP_CORE_SRCS is the pure logic (sampling, rates,
# formatting, sorting, batch output): the unit tests link it with a test
# double of libvmctl. The program links libvmctl statically (dom0's
# initramfs carries no shared library of ours) and ncursesw.

VMTOP_DIR := dom0-tools/vmtop
VMTOP_CORE_SRCS := $(addprefix $(VMTOP_DIR)/,sample.c rates.c format.c lines.c sort.c batch.c)
VMTOP_UI_SRCS := $(addprefix $(VMTOP_DIR)/,term.c ui.c ui_draw.c ui_keys.c ui_console.c)
VMTOP_MAIN_SRCS := $(VMTOP_DIR)/batch_run.c $(VMTOP_DIR)/main.c
VMTOP_SRCS := $(VMTOP_CORE_SRCS) $(VMTOP_UI_SRCS) $(VMTOP_MAIN_SRCS)
NCURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
NCURSES_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo)
VMTOP := $(DOM0_BUILD)/vmtop

$(VMTOP_SRCS:%.c=$(BUILD)/host/%.o) $(VMTOP_SRCS:%.c=$(BUILD)/san/%.o): \
	HOST_CFLAGS += $(NCURSES_CFLAGS)

ALL_TARGETS += $(VMTOP_SRCS:%.c=$(BUILD)/host/%.o)

# The program needs libvmctl's implementation (LIBVMCTL_A). -z now: the
# dynamic linker binds every library call at start (full RELRO too), not
# at its first call inside a refresh.
ifneq ($(LIBVMCTL_A),)
$(VMTOP): $(VMTOP_SRCS:%.c=$(BUILD)/host/%.o) $(LIBVMCTL_A)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Wl,-z,now $^ $(LIBVMCTL_LIBS) $(NCURSES_LIBS) -o $@

ALL_TARGETS += $(VMTOP)
DOM0_INSTALL_BIN += $(VMTOP)
endif

# The manual page vmtop(1), from scdoc, installed by make install.
VMTOP_MAN := $(DOM0_BUILD)/man/vmtop.1
$(DOM0_BUILD)/man/%: $(VMTOP_DIR)/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@.tmp && mv $@.tmp $@
ALL_TARGETS += $(VMTOP_MAN)

.PHONY: install-vmtop-docs
install-dom0-tools: install-vmtop-docs
install-vmtop-docs: $(VMTOP_MAN)
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(VMTOP_MAN) $(DESTDIR)$(PREFIX)/share/man/man1/
