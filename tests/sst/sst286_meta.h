/* sst286_meta.h: per-opcode facts from the 80286 test set's metadata.json
 * (status and defined-flags mask), used by the SST runner to decide what to
 * compare. */
#ifndef POPEK_TESTS_SST286_META_H
#define POPEK_TESTS_SST286_META_H

#include <stdint.h>

/* The `status` values metadata.json uses. */
enum sst286_status {
	SST_NORMAL,
	SST_PREFIX,       /* a prefix byte: its file tests the instruction after it */
	SST_FPU,          /* x87 escape */
	SST_UNDEFINED,    /* no documented meaning on a 286 */
	SST_UNDOCUMENTED, /* works, but Intel never documented it (SALC, SAL /6) */
	SST_EXTENSION,    /* 0F: the 286's two-byte map */
	SST_ALIAS,        /* another encoding of a documented instruction */
};

struct sst286_meta {
	const char *key; /* "80.4", "D6", "8F.3" */
	enum sst286_status status;
	uint16_t flags_mask; /* defined FLAGS bits after the instruction */
};

/* The entry for `key`, or NULL when the opcode is normal with every flag
 * defined. */
const struct sst286_meta *sst286_meta_find(const char *key);

#endif
