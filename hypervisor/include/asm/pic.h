#ifndef ASM_PIC_H
#define ASM_PIC_H

void pic_disable(void);

#endif
