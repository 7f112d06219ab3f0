# Test programs, host and VM. Included by the top Makefile.

# kselftest_harness.h comes from Debian's linux-source-6.12, extracted
# into the cache at build time; never copied into the repository.
KSFT_DIR	= $(BUILD)/ksft
TEST_CPPFLAGS	= $(CPPFLAGS) -I$(KSFT_DIR) -Itests
# The harness compares ints with size_t: -Wall only, as the kernel selftests.
TEST_WARNINGS	:= -Wall -Wno-format-truncation

# Suites built for both the host and the VM.
HOST_TESTS	:= unit_test validate_test
VM_TESTS	:= validate_test socket_test policy_test
TEST_DEPS	:= tests/common.h loader/libllsock.h loader/internal.h $(KSFT_DIR)/kselftest_harness.h

$(KSFT_DIR)/kselftest_harness.h: tests/ksft-headers | $(BUILD)
	$(call msg,KSFT,$(KSFT_DIR))
	$(Q)ln -sfn "$$(tests/ksft-headers)" $(KSFT_DIR)
	$(Q)test -f $@ && touch -h $(KSFT_DIR)

$(BUILD)/tests/model.o: tests/model.c tests/model.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(WARNINGS) -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(TEST_DEPS) $(BUILD)/tests/model.o $(BUILD)/libllsock.a | $(BUILD)/tests
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_WARNINGS) $< \
		$(BUILD)/tests/model.o $(BUILD)/libllsock.a $(LIBS) -o $@

$(BUILD)/static/tests/%: tests/%.c $(TEST_DEPS) $(BUILD)/static/libllsock.a
	$(call msg,CCLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_WARNINGS) $< \
		$(BUILD)/static/libllsock.a $(STATIC_LIBS) -luring -o $@

host-tests: $(HOST_TESTS:%=$(BUILD)/tests/%) $(BUILD)/llsock
vm-tests: $(VM_TESTS:%=$(BUILD)/static/tests/%) $(BUILD)/static/llsock

.PHONY: host-tests vm-tests
