/* The base string routines under umbra_ names, so a test can link
 * them next to the host libc and compare the two. string.c is compiled
 * with the same renames (see base/base.mk). */
#ifndef BASE_RENAMED_STRING_H
#define BASE_RENAMED_STRING_H

#define memcpy umbra_memcpy
#define memmove umbra_memmove
#define memset umbra_memset
#define memcmp umbra_memcmp
#define memchr umbra_memchr
#define strlen umbra_strlen
#define strnlen umbra_strnlen
#define strcmp umbra_strcmp
#define strncmp umbra_strncmp
#define strchr umbra_strchr
#define strrchr umbra_strrchr
#include "base/string.h"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr

#endif
