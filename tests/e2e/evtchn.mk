# Event channels between HVM domains (tests/e2e/evtchn.sh): the evtchn
# guest alone and as an interdomain ping-pong pair, the hostile guest's
# event-channel attacks beside a neighbour.
CHECK_SUITES += tests/e2e/evtchn.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf \
	$(patsubst %,$(BUILD)/guests/%.elf,evtchn hostile hello)
