/* Symbols the linker script (umbra.lds.S), the boot and entry assembly
 * and the generated symbol table define, for the C code that uses them,
 * and the C entry points that assembly calls. */
#ifndef ASM_SECTIONS_H
#define ASM_SECTIONS_H

#include <stdint.h>

/* umbra.lds.S */
extern const char __image_start_phys[], __image_end_phys[];
extern const char __text_start[], __text_end[];
extern const char __rodata_start[], __rodata_end[];	/* .rodata and .ksyms */
extern const char __data_start[], __image_end[];	/* .data and .bss */
extern const char __trampoline_start[], __trampoline_end[], __trampoline_lma[];

/* boot/head.S: the boot page tables' directory of the direct map */
extern uint64_t boot_pdpt[512];

/* boot/trampoline.S: parameters smp.c fills in for each AP, and
 * boot/ap_entry.S: where the trampoline leaves an AP in the higher half */
extern char tramp_cr3[], tramp_stack[], tramp_arg[], tramp_target[];
void ap_start64(void);

/* C entry points: head.S calls start_umbra_early (setup.c) with the
 * multiboot2 magic and information, ap_entry.S calls start_secondary (smp.c). */
void start_umbra_early(uint32_t magic, uint64_t mbi_phys);
void start_secondary(uint64_t cpu);

/* entry.S: one stub per vector */
extern const uint64_t entry_table[256];

/* gen-symbols.sh: the hypervisor's function names, sorted by address */
extern const uint64_t umbra_symbols_count;
extern const uint64_t umbra_symbols_addr[];
extern const uint32_t umbra_symbols_name_off[];
extern const char umbra_symbols_names[];

#endif
