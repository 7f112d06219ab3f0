# make fuzz: tests/fuzz/llsock_fuzz.c under libFuzzer, with ASan and UBSan,
# for FUZZ_SECONDS (tests/fuzz/run says what it checks). Included by the
# top Makefile. The fuzzer's own corpus grows in $(BUILD)/fuzz/corpus,
# from the seeds of tests/fuzz/corpus; a crash's input is saved in
# $(BUILD)/fuzz/ and the run says how to replay it.

FUZZ_SECONDS	?= 60
FUZZ_CC		?= clang
FUZZ_FLAGS	:= -g -O1 -fno-omit-frame-pointer \
		   -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ	= $(BUILD)/fuzz/obj
FUZZ_OBJS	= $(FUZZ_OBJ)/llsock_fuzz.o $(FUZZ_OBJ)/model.o \
		  $(LIB_SRCS:loader/%.c=$(FUZZ_OBJ)/lib/%.o)

$(BUILD)/.fuzz-deps: tests/deps | $(BUILD)
	$(Q)tests/deps fuzz
	$(Q)touch $@

$(FUZZ_OBJ)/lib/%.o: loader/%.c $(BUILD)/llsock.skel.h $(BUILD)/.fuzz-deps
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		$(WARNINGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_OBJ)/%.o: tests/fuzz/%.c $(BUILD)/.fuzz-deps
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -Itests $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		$(WARNINGS) $(DEPFLAGS) -c $< -o $@

$(FUZZ_OBJ)/%.o: tests/%.c $(BUILD)/.fuzz-deps
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -Itests $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		$(WARNINGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/fuzz/llsock_fuzz: $(FUZZ_OBJS)
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ $(LIBS) -ljson-c -o $@

-include $(wildcard $(FUZZ_OBJ)/*.d $(FUZZ_OBJ)/lib/*.d)

fuzz: $(BUILD)/fuzz/llsock_fuzz
	$(Q)tests/fuzz/run --seconds '$(FUZZ_SECONDS)' --work $(BUILD)/fuzz \
		$(BUILD)/fuzz/llsock_fuzz

.PHONY: fuzz
