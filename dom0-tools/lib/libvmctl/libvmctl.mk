# libvmctl: dom0's library over /dev/umbra (static, shared, pkg-config).
# It compiles in the hypervisor's own ELF loader and PVH start-info
# builder (LIBVMCTL_SHARED_SRCS), which are pure logic over a
# guest_writer callback. LIBVMCTL_SAN_OBJS / LIBVMCTL_HOST_OBJS are for
# tests and tools; LIBVMCTL_A for tools that link it statically (dom0's
# initramfs carries no shared library of ours).

LIBVMCTL_DIR := dom0-tools/lib/libvmctl
LIBVMCTL_SHARED_SRCS := hypervisor/common/elf_loader.c hypervisor/common/elf_wx.c \
	hypervisor/common/pvh_start_info.c hypervisor/common/bzimage.c hypervisor/common/pvh_acpi.c
LIBVMCTL_SRCS := $(sort $(wildcard $(LIBVMCTL_DIR)/*.c)) $(LIBVMCTL_SHARED_SRCS)
LIBVMCTL_HOST_OBJS := $(LIBVMCTL_SRCS:%.c=$(BUILD)/host/%.o)
LIBVMCTL_SAN_OBJS := $(LIBVMCTL_SRCS:%.c=$(BUILD)/san/%.o)
LIBVMCTL_PIC_OBJS := $(LIBVMCTL_SRCS:%.c=$(BUILD)/pic/%.o)
LIBVMCTL_SONAME := libvmctl.so.1
LIBVMCTL_A := $(DOM0_BUILD)/libvmctl.a
LIBVMCTL_SO := $(DOM0_BUILD)/$(LIBVMCTL_SONAME)
LIBVMCTL_SO_LINK := $(DOM0_BUILD)/libvmctl.so
LIBVMCTL_PC := $(DOM0_BUILD)/vmctl.pc
# zlib, liblzma and libzstd: gzip, xz/lzma and zstd kernels (bzImage payloads).
LIBVMCTL_LIBS := -lz -llzma -lzstd

$(LIBVMCTL_A): $(LIBVMCTL_HOST_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# The shared sources live outside dom0-tools/, whose pattern rule makes
# the other position-independent objects.
$(LIBVMCTL_SHARED_SRCS:%.c=$(BUILD)/pic/%.o): $(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(LIBVMCTL_SO): $(LIBVMCTL_PIC_OBJS) $(LIBVMCTL_DIR)/libvmctl.map
	@mkdir -p $(dir $@)
	$(HOST_CC) -shared -Wl,-soname,$(LIBVMCTL_SONAME) -Wl,--no-undefined \
		-Wl,--version-script=$(LIBVMCTL_DIR)/libvmctl.map \
		$(LIBVMCTL_PIC_OBJS) $(LIBVMCTL_LIBS) -o $@

$(LIBVMCTL_SO_LINK): $(LIBVMCTL_SO)
	ln -sf $(LIBVMCTL_SONAME) $@

# PREFIX is baked in at build time, as pkg-config files require.
$(LIBVMCTL_PC): $(LIBVMCTL_DIR)/vmctl.pc.in FORCE_VMCTL_PC
	@mkdir -p $(dir $@)
	@sed 's|@PREFIX@|$(PREFIX)|g' $< > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
.PHONY: FORCE_VMCTL_PC
FORCE_VMCTL_PC:

ALL_TARGETS += $(LIBVMCTL_A) $(LIBVMCTL_SO) $(LIBVMCTL_SO_LINK) $(LIBVMCTL_PC)
DOM0_INSTALL_LIB += $(LIBVMCTL_A) $(LIBVMCTL_SO) $(LIBVMCTL_SO_LINK)
DOM0_INSTALL_INCLUDE += $(LIBVMCTL_DIR)/vmctl.h
DOM0_INSTALL_PC += $(LIBVMCTL_PC)

# vmctl.h includes public/mgmt.h: the management ABI goes along, under
# include/umbra/public/ (vmctl.pc adds include/umbra to the path).
.PHONY: install-libvmctl-abi
install-dom0-tools: install-libvmctl-abi
install-libvmctl-abi:
	install -d $(DESTDIR)$(PREFIX)/include/umbra
	cp -R hypervisor/include/public $(DESTDIR)$(PREFIX)/include/umbra/
