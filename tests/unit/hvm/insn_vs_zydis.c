/*
 * Differential test of insn_decode() against Zydis (Debian's libzydis-dev)
 * on pseudo-random byte sequences, in 64-, 32- and 16-bit code.
 *
 * Zydis is set to AMD branch semantics (66 makes a near branch 16-bit,
 * as on AMD and QEMU) and without MPX (AMD CPUs execute 0F 1A/1B as hint
 * NOPs). For every sequence:
 *   - both accept it: the lengths must agree;
 *   - Zydis accepts it and we do not: failure (we would refuse to step
 *     over an instruction a CPU executes);
 *   - we accept what Zydis rejects: counted and bounded (inside VEX and
 *     EVEX space we check the map, not every opcode);
 *   - every prefix of an accepted instruction must give -EFAULT (more
 *     bytes needed), never a different decode.
 *
 * Prints one PASS:/FAIL: line per check. `-v` lists disagreements,
 * `-n COUNT` and `-s SEED` change the run.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <Zydis/Zydis.h>

#include <asm/insn.h>
#include <umbra/errno.h>

#define DEFAULT_COUNT	2000000	/* per mode */
#define MAX_SHOWN	4000

struct tally {
	unsigned long total;
	unsigned long both_valid;
	unsigned long len_mismatch;
	unsigned long we_reject;	/* Zydis valid, we invalid */
	unsigned long we_accept;	/* Zydis invalid, we valid */
	unsigned long we_accept_legacy;	/* ... outside VEX/XOP/EVEX */
	unsigned long trunc_bad;
	unsigned long too_long_mismatch;
};

static uint64_t rng_state;
static int verbose;
static unsigned long shown;

static uint64_t rng(void)
{
	/* xorshift64*: fast, and the same sequence for a given seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int pick(unsigned int n)
{
	return (unsigned int)(rng() % n);
}

static const uint8_t legacy_prefixes[] = {
	0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
};

/* Prefixes, then an opcode from a chosen map, then random bytes. */
static void gen_structured(uint8_t *b, int mode)
{
	unsigned int n = 0, i, k;

	for (i = 0; i < INSN_MAX_LEN; i++)
		b[i] = (uint8_t)rng();
	k = pick(4) == 0 ? pick(5) : pick(2);
	for (i = 0; i < k; i++)
		b[n++] = legacy_prefixes[pick(sizeof(legacy_prefixes))];
	if (mode == 64 && pick(2))
		b[n++] = 0x40 | pick(16);
	switch (pick(8)) {
	case 0:
	case 1:
		break;			/* 1-byte map: random opcode */
	case 2:
	case 3:
		b[n++] = 0x0f;		/* 0F map */
		break;
	case 4:
		b[n++] = 0x0f;
		b[n++] = 0x38;
		break;
	case 5:
		b[n++] = 0x0f;
		b[n++] = 0x3a;
		break;
	case 6:				/* VEX/XOP/EVEX with a plausible payload */
		b[n] = (uint8_t[]){ 0xc4, 0xc5, 0x62, 0x8f }[pick(4)];
		b[n + 1] |= mode == 64 ? 0 : 0xc0;
		if (b[n] == 0xc4)
			b[n + 1] = (b[n + 1] & 0xe0) | (1 + pick(3));
		if (b[n] == 0x8f)
			b[n + 1] = (b[n + 1] & 0xe0) | (8 + pick(3));
		if (b[n] == 0x62) {
			b[n + 1] = (b[n + 1] & 0xf0) | (uint8_t[]){ 1, 2, 3, 5, 6 }[pick(5)];
			b[n + 2] |= 0x04;
		}
		break;
	default:			/* group opcodes with register forms */
		b[n++] = 0x0f;
		b[n++] = (uint8_t[]){ 0x01, 0x00, 0xae, 0xc7, 0x20, 0x22, 0x21,
				      0x23, 0x71, 0x72, 0x73, 0xba, 0x78, 0x0d,
				      0x18, 0x1e }[pick(16)];
		b[n] = pick(2) ? (uint8_t)(0xc0 | pick(64)) : b[n];
		break;
	}
}

static void gen_uniform(uint8_t *b)
{
	unsigned int i;

	for (i = 0; i < INSN_MAX_LEN; i++)
		b[i] = (uint8_t)rng();
}

static void show(const char *what, int mode, const uint8_t *b, int ours,
		 const ZydisDecodedInstruction *z, ZyanStatus zs)
{
	unsigned int i;

	if (!verbose || shown++ >= MAX_SHOWN)
		return;
	printf("  %s mode %d:", what, mode);
	for (i = 0; i < INSN_MAX_LEN; i++)
		printf(" %02x", b[i]);
	printf("  ours=%d zydis=", ours);
	if (ZYAN_SUCCESS(zs))
		printf("%u %s\n", z->length, ZydisMnemonicGetString(z->mnemonic));
	else
		printf("status %#x\n", (unsigned int)ZYAN_STATUS_CODE(zs));
}

/*
 * Decode with Zydis. Xeon Phi "Knights Corner" encodings are treated as
 * invalid: that chip is not x86-64 compatible and its VEX opcodes are
 * undefined on every other CPU.
 */
static ZyanStatus zydis_decode(const ZydisDecoder *d, const uint8_t *b,
			       ZydisDecodedInstruction *z)
{
	ZyanStatus zs = ZydisDecoderDecodeInstruction(d, NULL, b, INSN_MAX_LEN, z);

	if (ZYAN_SUCCESS(zs) && (z->meta.isa_ext == ZYDIS_ISA_EXT_KNC ||
				 z->meta.isa_ext == ZYDIS_ISA_EXT_KNCE ||
				 z->meta.isa_ext == ZYDIS_ISA_EXT_KNCV))
		return ZYDIS_STATUS_DECODING_ERROR;
	return zs;
}

static int zydis_init(ZydisDecoder *d, int mode)
{
	ZydisMachineMode mm = mode == 64 ? ZYDIS_MACHINE_MODE_LONG_64 :
			      mode == 32 ? ZYDIS_MACHINE_MODE_LEGACY_32 :
			      ZYDIS_MACHINE_MODE_LEGACY_16;
	ZydisStackWidth sw = mode == 64 ? ZYDIS_STACK_WIDTH_64 :
			     mode == 32 ? ZYDIS_STACK_WIDTH_32 :
			     ZYDIS_STACK_WIDTH_16;

	if (!ZYAN_SUCCESS(ZydisDecoderInit(d, mm, sw)))
		return -1;
	if (!ZYAN_SUCCESS(ZydisDecoderEnableMode(d, ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE)))
		return -1;
	if (!ZYAN_SUCCESS(ZydisDecoderEnableMode(d, ZYDIS_DECODER_MODE_MPX, ZYAN_FALSE)))
		return -1;
	return 0;
}

/* Every proper prefix of a decodable instruction needs more bytes. */
static int check_truncations(const uint8_t *b, int mode, int len)
{
	struct insn insn;
	int k;

	for (k = 0; k < len; k++)
		if (insn_decode(b, (size_t)k, mode, &insn) != -EFAULT)
			return -1;
	return 0;
}

/*
 * AMD's alternative encoding of CR8 (LOCK MOV CR0) runs on AMD CPUs and
 * QEMU; Zydis does not know it.
 */
static bool amd_only(const struct insn *insn)
{
	return insn->lock && insn->map == INSN_MAP_0F &&
	       (insn->opcode == 0x20 || insn->opcode == 0x22);
}

static void compare_one(const ZydisDecoder *d, const uint8_t *b, int mode,
			struct tally *t)
{
	ZydisDecodedInstruction z;
	ZyanStatus zs;
	struct insn insn;
	int ours;

	zs = zydis_decode(d, b, &z);
	ours = insn_decode(b, INSN_MAX_LEN, mode, &insn);
	t->total++;
	if (ZYAN_SUCCESS(zs) && ours > 0) {
		t->both_valid++;
		if (ours != z.length) {
			t->len_mismatch++;
			show("LENGTH", mode, b, ours, &z, zs);
		} else if (pick(8) == 0 && check_truncations(b, mode, ours)) {
			t->trunc_bad++;
			show("TRUNC", mode, b, ours, &z, zs);
		}
	} else if (ZYAN_SUCCESS(zs)) {
		t->we_reject++;
		show("REJECT", mode, b, ours, &z, zs);
	} else if (zs == ZYDIS_STATUS_INSTRUCTION_TOO_LONG) {
		if (ours != -E2BIG && ours != -EINVAL) {
			t->too_long_mismatch++;
			show("TOOLONG", mode, b, ours, &z, zs);
		}
	} else if (ours > 0 && !amd_only(&insn)) {
		t->we_accept++;
		if (insn.encoding == INSN_ENC_LEGACY) {
			t->we_accept_legacy++;
			show("ACCEPT", mode, b, ours, &z, zs);
		}
	}
}

static int report(const char *name, int mode, unsigned long bad, unsigned long limit,
		  unsigned long of)
{
	int ok = bad <= limit;

	printf("%s: insn vs zydis, %d-bit: %s: %lu of %lu\n", ok ? "PASS" : "FAIL",
	       mode, name, bad, of);
	return ok ? 0 : 1;
}

static int run_mode(int mode, unsigned long count)
{
	struct tally t = { 0 };
	ZydisDecoder d;
	uint8_t b[INSN_MAX_LEN];
	unsigned long i;
	int fails = 0;

	if (zydis_init(&d, mode)) {
		printf("FAIL: insn vs zydis, %d-bit: Zydis init\n", mode);
		return 1;
	}
	for (i = 0; i < count; i++) {
		if (i & 1)
			gen_structured(b, mode);
		else
			gen_uniform(b);
		compare_one(&d, b, mode, &t);
	}
	printf("insn vs zydis %d-bit: %lu sequences, %lu decoded by both, "
	       "%lu accepted only by us (%lu outside VEX/EVEX/XOP)\n",
	       mode, t.total, t.both_valid, t.we_accept, t.we_accept_legacy);
	fails += report("length disagreements", mode, t.len_mismatch, 0, t.both_valid);
	fails += report("valid instructions rejected", mode, t.we_reject, 0, t.total);
	fails += report("truncated decodes not -EFAULT", mode, t.trunc_bad, 0, t.both_valid);
	fails += report("over-long not refused", mode, t.too_long_mismatch, 0, t.total);
	/* Legacy space is checked opcode by opcode: allow one in 10^4. */
	fails += report("invalid legacy encodings accepted", mode,
			t.we_accept_legacy, t.total / 10000, t.total);
	return fails;
}

/*
 * Exhaustive sweep: every opcode of the 1-byte, 0F, 0F38 and 0F3A maps
 * with every ModRM byte, under the prefix combinations that change
 * meaning. Trailing bytes are zero.
 */
static const char *const sweep_prefixes[] = {
	"", "\x66", "\xf3", "\xf2", "\x66\xf3", "\x66\xf2", "\xf2\xf3",
	"\xf3\xf2", "\xf0", "\x48", "\x66\x48",
};

static unsigned long sweep_reject, sweep_accept, sweep_len, sweep_total;

enum { AGREE, S_LENGTH, S_REJECT, S_ACCEPT };

static int sweep_one(const ZydisDecoder *d, const uint8_t *b, int mode,
		     const char **mnemonic)
{
	ZydisDecodedInstruction z;
	ZyanStatus zs;
	struct insn insn;
	int ours;

	zs = zydis_decode(d, b, &z);
	ours = insn_decode(b, INSN_MAX_LEN, mode, &insn);
	sweep_total++;
	*mnemonic = ZYAN_SUCCESS(zs) ? ZydisMnemonicGetString(z.mnemonic) : "-";
	if (ZYAN_SUCCESS(zs) && ours > 0 && ours != z.length) {
		sweep_len++;
		return S_LENGTH;
	}
	if (ZYAN_SUCCESS(zs) && ours <= 0) {
		sweep_reject++;
		return S_REJECT;
	}
	if (!ZYAN_SUCCESS(zs) && ours > 0 && !amd_only(&insn) &&
	    insn.encoding == INSN_ENC_LEGACY) {
		sweep_accept++;
		return S_ACCEPT;
	}
	return AGREE;
}

/* With -v: one line per opcode and kind, listing the ModRM bytes. */
static void sweep_show(int mode, unsigned int p, unsigned int m, unsigned int op,
		       const int *kind, const char *const *mn)
{
	static const char *const names[] = { "", "S-LENGTH", "S-REJECT", "S-ACCEPT" };
	static const char *const maps[] = { "1", "0F", "0F38", "0F3A" };
	unsigned int k, r, e;
	const char *p_str = sweep_prefixes[p];

	if (!verbose)
		return;
	for (k = S_LENGTH; k <= S_ACCEPT; k++) {
		int any = 0;

		for (r = 0; r < 256; r++) {
			if (kind[r] != (int)k)
				continue;
			if (!any) {
				printf("%s %d pfx=", names[k], mode);
				for (e = 0; p_str[e]; e++)
					printf("%02x", (uint8_t)p_str[e]);
				printf(" map=%s op=%02x zydis=%s modrm:", maps[m], op, mn[r]);
				any = 1;
			}
			for (e = r; e + 1 < 256 && kind[e + 1] == (int)k; e++)
				;
			if (e == r)
				printf(" %02x", r);
			else
				printf(" %02x-%02x", r, e);
			r = e;
		}
		if (any)
			printf("\n");
	}
}

static int sweep_mode(int mode)
{
	static const uint8_t esc[4][2] = { { 0 }, { 0x0f }, { 0x0f, 0x38 }, { 0x0f, 0x3a } };
	static const unsigned int esc_len[4] = { 0, 1, 2, 2 };
	unsigned int p, m, op, modrm, n, i;
	ZydisDecoder d;
	uint8_t b[INSN_MAX_LEN];
	int fails = 0;

	if (zydis_init(&d, mode))
		return 1;
	sweep_reject = sweep_accept = sweep_len = sweep_total = 0;
	for (p = 0; p < sizeof(sweep_prefixes) / sizeof(sweep_prefixes[0]); p++) {
		if (mode != 64 && sweep_prefixes[p][strlen(sweep_prefixes[p]) - 1] == 0x48)
			continue;
		for (m = 0; m < 4; m++) {
			for (op = 0; op < 256; op++) {
				int kind[256];
				const char *mn[256];

				for (modrm = 0; modrm < 256; modrm++) {
					memset(b, 0, sizeof(b));
					n = strlen(sweep_prefixes[p]);
					memcpy(b, sweep_prefixes[p], n);
					for (i = 0; i < esc_len[m]; i++)
						b[n++] = esc[m][i];
					b[n++] = (uint8_t)op;
					b[n] = (uint8_t)modrm;
					kind[modrm] = sweep_one(&d, b, mode, &mn[modrm]);
				}
				sweep_show(mode, p, m, op, kind, mn);
			}
		}
	}
	printf("insn vs zydis %d-bit sweep: %lu encodings\n", mode, sweep_total);
	fails += report("sweep: length disagreements", mode, sweep_len, 0, sweep_total);
	fails += report("sweep: valid instructions rejected", mode, sweep_reject, 0, sweep_total);
	fails += report("sweep: invalid encodings accepted", mode, sweep_accept, 0, sweep_total);
	return fails;
}

int main(int argc, char **argv)
{
	unsigned long count = DEFAULT_COUNT;
	uint64_t seed = 0x5eed0fdec0de;
	int i, fails = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			count = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
	}
	printf("seed %#" PRIx64 ", %lu sequences per mode\n", seed, count);
	rng_state = seed;
	fails += sweep_mode(64);
	fails += sweep_mode(32);
	fails += sweep_mode(16);
	fails += run_mode(64, count);
	fails += run_mode(32, count);
	fails += run_mode(16, count);
	return fails ? 1 : 0;
}
