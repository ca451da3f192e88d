/* sst286_moo.h: reading the 80286 single-step test files (MOO 1.x,
 * gzip-compressed; the format is described in the README next to them).
 *
 * A file is read whole into memory and its tests are walked in place: RAM
 * lists, names and instruction bytes point into the file buffer, so a
 * struct sst_test is valid while that buffer lives.
 */
#ifndef POPEK_TESTS_SST286_MOO_H
#define POPEK_TESTS_SST286_MOO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register order of REGS and RMSK chunks. */
enum {
	R_AX,
	R_BX,
	R_CX,
	R_DX,
	R_CS,
	R_SS,
	R_DS,
	R_ES,
	R_SP,
	R_BP,
	R_SI,
	R_DI,
	R_IP,
	R_FLAGS,
	R_COUNT
};
extern const char *const sst_reg_names[R_COUNT];

struct sst_regs {
	uint16_t mask; /* which of v[] the chunk gave */
	uint16_t v[R_COUNT];
};

/* A RAM list: 5-byte entries (u32 address, u8 value) inside the buffer. */
struct sst_ram {
	const uint8_t *p;
	uint32_t count;
};

struct sst_test {
	uint32_t index;
	const char *name; /* disassembly, not NUL-terminated */
	uint32_t name_len;
	const uint8_t *bytes; /* the instruction, prefixes included */
	uint32_t nbytes;
	struct sst_regs init, fina; /* fina: only the registers that changed */
	struct sst_regs rmsk;       /* defined bits per register (all ones if none) */
	struct sst_ram init_ram, fina_ram;
	bool has_excp;
	uint8_t excp;             /* vector the instruction raised */
	uint32_t excp_flags_addr; /* the rig's (word-aligned) address of the pushed FLAGS */
};

static inline uint32_t sst_ram_addr(const struct sst_ram *r, uint32_t i)
{
	const uint8_t *p = r->p + 5 * (size_t)i;
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint8_t sst_ram_val(const struct sst_ram *r, uint32_t i)
{
	return r->p[5 * (size_t)i + 4];
}

/* Reads a whole gzip file into a malloc'ed buffer; NULL on error. */
uint8_t *sst_read_gz(const char *path, size_t *len);

/* Walks the tests of one file buffer. */
struct sst_file {
	const uint8_t *p, *end;
	struct sst_regs top_rmsk; /* file-wide RMSK, all ones if none */
};

void sst_file_begin(struct sst_file *f, const uint8_t *buf, size_t len);

/* Fills *t with the next test: returns 1, 0 at the end, -1 when the file is
 * malformed. */
int sst_file_next(struct sst_file *f, struct sst_test *t);

/* Lists the test files of `dir` (names without ".MOO.gz", sorted) into a
 * malloc'ed array of malloc'ed strings. Returns the count, or -1 when the
 * directory cannot be opened. */
int sst_list_dir(const char *dir, char ***names);
void sst_free_names(char **names, int count);

#endif
