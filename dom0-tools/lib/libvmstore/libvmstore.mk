# libvmstore: client library for vmstored (static, shared, pkg-config).
# LIBVMSTORE_SAN_OBJS / LIBVMSTORE_HOST_OBJS are for tests and tools.

LIBVMSTORE_DIR := dom0-tools/lib/libvmstore
LIBVMSTORE_SRCS := $(sort $(wildcard $(LIBVMSTORE_DIR)/*.c))
LIBVMSTORE_HOST_OBJS := $(LIBVMSTORE_SRCS:%.c=$(BUILD)/host/%.o)
LIBVMSTORE_SAN_OBJS := $(LIBVMSTORE_SRCS:%.c=$(BUILD)/san/%.o)
LIBVMSTORE_PIC_OBJS := $(LIBVMSTORE_SRCS:%.c=$(BUILD)/pic/%.o)
LIBVMSTORE_SONAME := libvmstore.so.1
LIBVMSTORE_A := $(DOM0_BUILD)/libvmstore.a
LIBVMSTORE_SO := $(DOM0_BUILD)/$(LIBVMSTORE_SONAME)
LIBVMSTORE_SO_LINK := $(DOM0_BUILD)/libvmstore.so
LIBVMSTORE_PC := $(DOM0_BUILD)/vmstore.pc
LIBVMSTORE_LIBS := -pthread

$(LIBVMSTORE_A): $(LIBVMSTORE_HOST_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(LIBVMSTORE_SO): $(LIBVMSTORE_PIC_OBJS) $(LIBVMSTORE_DIR)/libvmstore.map
	@mkdir -p $(dir $@)
	$(HOST_CC) -shared -Wl,-soname,$(LIBVMSTORE_SONAME) -Wl,--no-undefined \
		-Wl,--version-script=$(LIBVMSTORE_DIR)/libvmstore.map \
		$(LIBVMSTORE_PIC_OBJS) $(LIBVMSTORE_LIBS) -o $@

$(LIBVMSTORE_SO_LINK): $(LIBVMSTORE_SO)
	ln -sf $(LIBVMSTORE_SONAME) $@

# PREFIX is baked in at build time, as pkg-config files require.
$(LIBVMSTORE_PC): $(LIBVMSTORE_DIR)/vmstore.pc.in FORCE_VMSTORE_PC
	@mkdir -p $(dir $@)
	@sed 's|@PREFIX@|$(PREFIX)|g' $< > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
.PHONY: FORCE_VMSTORE_PC
FORCE_VMSTORE_PC:

ALL_TARGETS += $(LIBVMSTORE_A) $(LIBVMSTORE_SO) $(LIBVMSTORE_SO_LINK) \
	$(LIBVMSTORE_PC)
DOM0_INSTALL_LIB += $(LIBVMSTORE_A) $(LIBVMSTORE_SO) $(LIBVMSTORE_SO_LINK)
DOM0_INSTALL_INCLUDE += $(LIBVMSTORE_DIR)/vmstore.h
DOM0_INSTALL_PC += $(LIBVMSTORE_PC)
