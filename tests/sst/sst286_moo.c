/* sst286_moo.c: the MOO test-file reader (see sst286_moo.h).
 *
 * Every length read from a file is checked against the bytes that remain,
 * so a truncated or corrupt file is reported, never read past.
 */
#include "tests/sst/sst286_moo.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

const char *const sst_reg_names[R_COUNT] = {
	"ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags",
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Iterates over the chunks in [p, end): returns false at the end or on a
 * chunk that does not fit. */
struct chunk_iter {
	const uint8_t *p, *end;
};
struct chunk {
	char type[5];
	const uint8_t *data;
	uint32_t len;
};

static bool chunk_next(struct chunk_iter *it, struct chunk *c)
{
	if (it->end - it->p < 8)
		return false;
	memcpy(c->type, it->p, 4);
	c->type[4] = 0;
	c->len = le32(it->p + 4);
	if ((size_t)(it->end - it->p - 8) < c->len)
		return false;
	c->data = it->p + 8;
	it->p += 8 + (size_t)c->len;
	return true;
}

static bool parse_regs(const struct chunk *c, struct sst_regs *r)
{
	if (c->len < 2)
		return false;
	r->mask = le16(c->data);
	uint32_t off = 2;
	for (int i = 0; i < R_COUNT; i++) {
		if (!(r->mask & (1u << i)))
			continue;
		if (off + 2 > c->len)
			return false;
		r->v[i] = le16(c->data + off);
		off += 2;
	}
	return true;
}

static bool parse_ram(const struct chunk *c, struct sst_ram *ram)
{
	if (c->len < 4)
		return false;
	ram->count = le32(c->data);
	ram->p = c->data + 4;
	return (uint64_t)ram->count * 5 + 4 <= c->len;
}

/* INIT or FINA: REGS, RAM and (in FINA) RMSK. */
static bool parse_state(const struct chunk *c, struct sst_regs *regs, struct sst_ram *ram,
			struct sst_regs *rmsk)
{
	struct chunk_iter it = { c->data, c->data + c->len };
	struct chunk s;
	while (chunk_next(&it, &s)) {
		if (!strcmp(s.type, "REGS") && !parse_regs(&s, regs))
			return false;
		if (!strcmp(s.type, "RAM ") && !parse_ram(&s, ram))
			return false;
		if (!strcmp(s.type, "RMSK") && rmsk) {
			struct sst_regs m = { 0 };
			if (!parse_regs(&s, &m))
				return false;
			for (int i = 0; i < R_COUNT; i++)
				if (m.mask & (1u << i))
					rmsk->v[i] &= m.v[i];
		}
	}
	return true;
}

/* One TEST chunk. `top_rmsk` is the file-wide mask (all ones if none). */
static bool parse_test(const struct chunk *c, const struct sst_regs *top_rmsk, struct sst_test *t)
{
	memset(t, 0, sizeof(*t));
	t->rmsk = *top_rmsk;
	if (c->len < 4)
		return false;
	t->index = le32(c->data);
	struct chunk_iter it = { c->data + 4, c->data + c->len };
	struct chunk s;
	while (chunk_next(&it, &s)) {
		if (!strcmp(s.type, "NAME") && s.len >= 4) {
			t->name_len = le32(s.data);
			t->name = (const char *)s.data + 4;
			if (t->name_len > s.len - 4)
				return false;
		} else if (!strcmp(s.type, "BYTS") && s.len >= 4) {
			t->nbytes = le32(s.data);
			t->bytes = s.data + 4;
			if (t->nbytes > s.len - 4)
				return false;
		} else if (!strcmp(s.type, "INIT")) {
			if (!parse_state(&s, &t->init, &t->init_ram, NULL))
				return false;
		} else if (!strcmp(s.type, "FINA")) {
			if (!parse_state(&s, &t->fina, &t->fina_ram, &t->rmsk))
				return false;
		} else if (!strcmp(s.type, "RMSK")) {
			struct sst_regs m = { 0 };
			if (!parse_regs(&s, &m))
				return false;
			for (int i = 0; i < R_COUNT; i++)
				if (m.mask & (1u << i))
					t->rmsk.v[i] &= m.v[i];
		} else if (!strcmp(s.type, "EXCP") && s.len >= 5) {
			t->has_excp = true;
			t->excp = s.data[0];
			t->excp_flags_addr = le32(s.data + 1);
		}
	}
	return t->init.mask == (1u << R_COUNT) - 1 && t->bytes;
}

/* Reads a whole gzip file; returns NULL on error. */
uint8_t *sst_read_gz(const char *path, size_t *len)
{
	gzFile f = gzopen(path, "rb");
	if (!f)
		return NULL;
	gzbuffer(f, 1u << 17);
	size_t cap = 1u << 20, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (cap - n < (1u << 16)) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		int r = gzread(f, buf + n, (unsigned)(cap - n));
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	gzclose(f);
	*len = n;
	return buf;
}

void sst_file_begin(struct sst_file *f, const uint8_t *buf, size_t len)
{
	f->p = buf;
	f->end = buf + len;
	f->top_rmsk.mask = 0;
	for (int i = 0; i < R_COUNT; i++)
		f->top_rmsk.v[i] = 0xFFFF;
}

int sst_file_next(struct sst_file *f, struct sst_test *t)
{
	struct chunk_iter it = { f->p, f->end };
	struct chunk c;
	while (chunk_next(&it, &c)) {
		f->p = it.p;
		if (!strcmp(c.type, "RMSK")) {
			struct sst_regs m = { 0 };
			if (!parse_regs(&c, &m))
				return -1;
			for (int i = 0; i < R_COUNT; i++)
				if (m.mask & (1u << i))
					f->top_rmsk.v[i] &= m.v[i];
		} else if (!strcmp(c.type, "TEST")) {
			return parse_test(&c, &f->top_rmsk, t) ? 1 : -1;
		}
	}
	/* Trailing bytes that do not make a chunk: a truncated file. */
	return it.p == f->end ? 0 : -1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sst_list_dir(const char *dir, char ***names_out)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	char **names = NULL;
	int count = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l <= 7 || strcmp(de->d_name + l - 7, ".MOO.gz"))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 512;
			char **nn = realloc(names, (size_t)cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[count] = strndup(de->d_name, l - 7);
		if (names[count])
			count++;
	}
	closedir(d);
	if (count)
		qsort(names, (size_t)count, sizeof(*names), cmp_names);
	*names_out = names;
	return count;
}

void sst_free_names(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}
