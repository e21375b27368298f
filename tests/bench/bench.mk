# make bench-hvm: exit and hypercall round trips measured in a guest
# against the emulator's floor (the test build's VMRUN loop answering the
# same exit at once) and the same loop without a hypervisor, and the paging workload's
# exits per operation and page-table memory under nested and shadow
# paging (tests/bench/hvm/run.sh). Guest images are named literally.
.PHONY: bench-hvm
bench-hvm: $(BUILD)/umbra.elf $(BUILD)/test/umbra.elf $(BUILD)/guests/exitbench.elf $(BUILD)/guests/ptwork.elf
	tests/bench/hvm/run.sh
BENCH_TARGETS += bench-hvm

# make bench-dom0: dom0's boot under Umbra against the same kernel and
# initramfs booted by the same GRUB without it (tests/bench/dom0.sh).
.PHONY: bench-dom0
bench-dom0: $(BUILD)/umbra.elf $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img
	tests/bench/dom0.sh
BENCH_TARGETS += bench-dom0

# make bench-vmtop: one vmtop refresh's dom0 CPU time and management calls,
# with dom0 alone and with 100 small domains, measured in dom0, and where
# the time goes (tests/bench/vmtop.sh, tests/dom0/mgmtprobe.c).
.PHONY: bench-vmtop
bench-vmtop: $(BUILD)/umbra.elf $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img $(BUILD)/guests/hello.elf
	tests/bench/vmtop.sh
BENCH_TARGETS += bench-vmtop

# make bench-vmctl: vmctl create to the guest's first output, destroy,
# and list with 50 domains, timed in dom0 (tests/bench/vmctl.sh).
.PHONY: bench-vmctl
bench-vmctl: $(BUILD)/umbra.elf $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img
	tests/bench/vmctl.sh
BENCH_TARGETS += bench-vmctl

# make bench-pv: a PV guest's null hypercall (SYSCALL through its hypercall
# page) against an HVM guest's (VMMCALL), each ratio from one boot: Umbra
# as booted by default (xpti) and with xpti=0 (tests/bench/pv.sh).
.PHONY: bench-pv
bench-pv: $(BUILD)/umbra.elf $(BUILD)/guests/pvbench.elf $(BUILD)/guests/exitbench.elf
	tests/bench/pv.sh
BENCH_TARGETS += bench-pv

# make bench-paging: ptwork's workload as PV on shared page tables, PV
# translated on shadows, HVM on shadows and HVM on nested paging in one
# boot: exits per operation, page-table memory, their ratios, and
# null_hypercall_pv_vs_hvm (tests/bench/paging.sh).
.PHONY: bench-paging
bench-paging: $(BUILD)/umbra.elf $(BUILD)/guests/pvptwork.elf $(BUILD)/guests/ptwork.elf \
		$(BUILD)/guests/pvbench.elf $(BUILD)/guests/exitbench.elf
	tests/bench/paging.sh
BENCH_TARGETS += bench-paging

# make bench-guests: guests served from dom0. Its saverestore part
# (tests/bench/saverestore.sh): vmctl save and restore of a 256 MiB guest
# with 32 MiB touched, in dom0 under Umbra: save_mb_per_s,
# restore_mb_per_s, save_compression_ratio. Other parts add themselves as
# prerequisites of bench-guests (dom0/linux-guest/linux-guest.mk: the
# Linux PVH guest's part, which also puts bench-guests in BENCH_TARGETS).
.PHONY: bench-guests bench-saverestore
bench-saverestore: $(BUILD)/umbra.elf $(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.img
	tests/bench/saverestore.sh
bench-guests: bench-saverestore
