# libvmctl's host tests (no hypervisor needed): gzip inflation, the PVH
# image layout into a fake guest (with the hypervisor's ELF loader and
# start-info builder it compiles in), the sentences it tells people, and
# the whole library against a fake Umbra (fake_umbra.c defines ioctl()).

LIBVMCTL_TEST_DIR := tests/unit/libvmctl
LIBVMCTL_TEST_BIN := $(BUILD)/$(LIBVMCTL_TEST_DIR)
LIBVMCTL_HELLO_ELF := $(BUILD)/guests/hello.elf

$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_gunzip, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_gunzip.o $(LIBVMCTL_SAN_OBJS)))
$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_image, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_image.o \
	$(BUILD)/san/tests/unit/hvm/elf_build.o $(LIBVMCTL_SAN_OBJS)))
$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_bzimage, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_bzimage.o \
	$(BUILD)/san/tests/unit/hvm/elf_build.o $(LIBVMCTL_SAN_OBJS)))
$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_errors, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_errors.o $(LIBVMCTL_SAN_OBJS)))

$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_handle, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_handle.o \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/fake_umbra.o $(LIBVMCTL_SAN_OBJS)))

$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_snapshot, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_snapshot.o \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/fake_umbra.o $(LIBVMCTL_SAN_OBJS)))

$(eval $(call cmocka_test,$(LIBVMCTL_TEST_BIN)/test_savefile, \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_savefile.o \
	$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/fake_umbra.o $(LIBVMCTL_SAN_OBJS)))

LIBVMCTL_TESTS := test_gunzip test_image test_bzimage test_errors test_handle test_snapshot \
	test_savefile
$(LIBVMCTL_TESTS:%=$(LIBVMCTL_TEST_BIN)/%): CMOCKA_LIBS += $(LIBVMCTL_LIBS) -pthread

# Three tests also load the real hello guest.
$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_image.o $(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_handle.o \
		$(BUILD)/san/$(LIBVMCTL_TEST_DIR)/test_bzimage.o: \
	HOST_CFLAGS += -DVMCTL_HELLO_ELF='"$(LIBVMCTL_HELLO_ELF)"'
$(LIBVMCTL_TEST_BIN)/test_image $(LIBVMCTL_TEST_BIN)/test_handle \
		$(LIBVMCTL_TEST_BIN)/test_bzimage: | $(LIBVMCTL_HELLO_ELF)
