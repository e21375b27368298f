# dom0-tools/: the management tools that run in dom0 (and on any Linux
# host today). Each tool or library keeps its rules in its own fragment,
# dom0-tools/<dir>/<name>.mk; to add one (vmctl, vmtop, ...), create that
# fragment and append its directory to DOM0_TOOLS. Libraries come first so
# tools can use their variables.
#
#   make                       builds everything listed below
#   make install-dom0-tools    installs it (also part of `make install`);
#                              honours PREFIX (default /usr/local), DESTDIR
#
# Fragments append what to install to DOM0_INSTALL_BIN (programs),
# DOM0_INSTALL_LIB (libraries), DOM0_INSTALL_INCLUDE (headers) and
# DOM0_INSTALL_PC (pkg-config files), and may add recipes to
# install-dom0-tools.

DOM0_TOOLS := lib/libvmstore lib/libvmctl vmstored vmctl vmtop vmconsoled

PREFIX ?= /usr/local
DESTDIR ?=
DOM0_BUILD := $(BUILD)/dom0-tools

DOM0_INSTALL_BIN :=
DOM0_INSTALL_LIB :=
DOM0_INSTALL_INCLUDE :=
DOM0_INSTALL_PC :=

# Position-independent objects for shared libraries.
$(BUILD)/pic/dom0-tools/%.o: dom0-tools/%.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CPPFLAGS) $(HOST_CFLAGS) -fPIC -MMD -MP -c $< -o $@

include $(foreach t,$(DOM0_TOOLS),dom0-tools/$(t)/$(notdir $(t)).mk)

.PHONY: install install-dom0-tools
install: install-dom0-tools
install-dom0-tools: $(DOM0_INSTALL_BIN) $(DOM0_INSTALL_LIB) \
		$(DOM0_INSTALL_INCLUDE) $(DOM0_INSTALL_PC)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	$(if $(DOM0_INSTALL_BIN),install -m 0755 $(DOM0_INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/)
	$(if $(DOM0_INSTALL_LIB),cp -P $(DOM0_INSTALL_LIB) $(DESTDIR)$(PREFIX)/lib/)
	$(if $(DOM0_INSTALL_INCLUDE),install -m 0644 $(DOM0_INSTALL_INCLUDE) $(DESTDIR)$(PREFIX)/include/)
	$(if $(DOM0_INSTALL_PC),install -m 0644 $(DOM0_INSTALL_PC) $(DESTDIR)$(PREFIX)/lib/pkgconfig/)
