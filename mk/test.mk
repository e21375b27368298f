# Test rules: how a unit suite is linked, how suites run.
#
#   make check        install missing packages, build, run every suite
#   make check-NAME   build and run the suites of one component only
#                     (NAME: the last part of its directory in COMPONENTS;
#                     the suites and dependencies it appended, see
#                     `component` in the Makefile)
#
# Read before the components, which use cmocka_test; the check rules need
# every component's suites, so the Makefile makes them last, with
# $(eval $(test_rules)). Every suite runs through tests/run-suites.sh
# (summary line, logs in build/test-logs/).

# $(eval $(call cmocka_test,BINARY,OBJECTS)): a cmocka suite linked from
# sanitizer objects, added to CHECK_SUITES.
define cmocka_test
$(1): $(2)
	@mkdir -p $$(dir $$@)
	$$(HOST_CC) $$(HOST_CFLAGS) $$(SAN_CFLAGS) $$^ $$(CMOCKA_LIBS) -o $$@
CHECK_SUITES += $(1)
endef

define check_component
.PHONY: check-$(1)
check-$(1): $(SUITES_$(1)) $(DEPS_$(1))
	@tests/run-suites.sh $(SUITES_$(1))
endef

COMPONENT_NAMES = $(notdir $(COMPONENTS))
# A fragment no component reads would silently drop its rules and tests.
UNREAD_FRAGMENTS = $(filter-out $(MAKEFILE_LIST) $(BUILD)/%, \
	$(wildcard */*.mk */*/*.mk */*/*/*.mk))

define test_rules
$(if $(filter-out $(words $(COMPONENT_NAMES)),$(words $(sort $(COMPONENT_NAMES)))), \
	$(error two components in COMPONENTS end in the same name: $(COMPONENT_NAMES)))
$(if $(UNREAD_FRAGMENTS),$(error $(UNREAD_FRAGMENTS): not read; add the directory \
	to COMPONENTS in the Makefile or include it from its component's fragment))

# The entry points a newcomer types install what is missing first, then
# re-enter make so that pkg-config and friends see the new packages.
.PHONY: check check-build check-now
check: deps
	@$(MAKE) --no-print-directory -j$(shell nproc) check-build
	@$(MAKE) --no-print-directory check-now

# Building is parallel; the suites then run one at a time (QEMU boots and
# timing checks want the CPUs to themselves).
check-build: $(CHECK_SUITES) $(CHECK_DEPS) $(FUZZ_TARGETS)

check-now: check-build
	@tests/run-suites.sh $(CHECK_SUITES)

$(foreach n,$(COMPONENT_NAMES),$(eval $(call check_component,$(n))))
endef
