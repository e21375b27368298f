/* SVM exit code to UMBRA_EXIT_* (arch/x86/svm/svm_exit_category.c). */
#ifndef ASM_SVM_EXIT_CATEGORY_H
#define ASM_SVM_EXIT_CATEGORY_H

#include <stdint.h>

unsigned int svm_exit_category(uint32_t code);

#endif
