# Grant tables between HVM domains (tests/e2e/grant.sh): granter, mapper
# and attacker roles of the grant guest beside a hello, in nested, shadow
# and mixed paging.
CHECK_SUITES += tests/e2e/grant.sh
CHECK_DEPS += $(BUILD)/test/umbra.elf $(BUILD)/guests/grant.elf $(BUILD)/guests/hello.elf
