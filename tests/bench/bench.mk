# make bench-hvm: exit and hypercall round trips measured in a guest
# (against the same loop without a hypervisor) and the paging workload's
# exits per operation and page-table memory under nested and shadow
# paging (tests/bench/hvm/run.sh). Guest images are named literally.
.PHONY: bench-hvm
bench-hvm: $(BUILD)/umbra.elf $(BUILD)/guests/exitbench.elf $(BUILD)/guests/ptwork.elf
	tests/bench/hvm/run.sh
BENCH_TARGETS += bench-hvm
