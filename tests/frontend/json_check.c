/* json_check.c: a strict JSON syntax check and value lookup, so the tests
 * of --stats=json need no python or jq on the machine.
 *
 *   json_check FILE              FILE is exactly one JSON value (and
 *                                white space): exit 0, else 1
 *   json_check FILE PATH...      also prints the text of the value at each
 *                                PATH, one a line (a.b: key b of object a;
 *                                keys are matched whole), exit 1 when one
 *                                is missing
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parser walks the text once per lookup; `want` is the rest of the
 * path being looked for below the current value (NULL: nothing). */
struct json {
	const char *p, *end;
	const char *err;
	const char *found, *found_end;
};

static void ws(struct json *j)
{
	while (j->p < j->end && strchr(" \t\r\n", *j->p))
		j->p++;
}

static int fail(struct json *j, const char *why)
{
	if (!j->err)
		j->err = why;
	return -1;
}

/* Parses a string; its raw contents (between the quotes) in *s, *n. */
static int string(struct json *j, const char **s, size_t *n)
{
	if (j->p >= j->end || *j->p != '"')
		return fail(j, "string expected");
	const char *start = ++j->p;
	while (j->p < j->end && *j->p != '"') {
		if ((unsigned char)*j->p < 0x20)
			return fail(j, "control character in a string");
		if (*j->p == '\\') {
			j->p++;
			if (j->p >= j->end || !strchr("\"\\/bfnrtu", *j->p))
				return fail(j, "bad escape");
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (j->p + i >= j->end || !strchr("0123456789abcdefABCDEF", j->p[i]))
						return fail(j, "bad \\u escape");
				j->p += 4;
			}
		}
		j->p++;
	}
	if (j->p >= j->end)
		return fail(j, "unterminated string");
	*s = start;
	*n = (size_t)(j->p - start);
	j->p++;
	return 0;
}

static int digits(struct json *j)
{
	const char *s = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : fail(j, "digit expected");
}

static int number(struct json *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (digits(j) < 0)
		return -1;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (digits(j) < 0)
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (digits(j) < 0)
			return -1;
	}
	return 0;
}

static int value(struct json *j, const char *want, int depth);

/* An object; when `want` is set, its first path component selects the
 * member to look into. */
static int object(struct json *j, const char *want, int depth)
{
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		const char *k;
		size_t kn;
		ws(j);
		if (string(j, &k, &kn) < 0)
			return -1;
		ws(j);
		if (j->p >= j->end || *j->p != ':')
			return fail(j, "':' expected");
		j->p++;
		const char *sub = NULL;
		if (want) {
			const char *dot = strchr(want, '.');
			size_t wn = dot ? (size_t)(dot - want) : strlen(want);
			if (wn == kn && !memcmp(want, k, kn))
				sub = dot ? dot + 1 : "";
		}
		if (value(j, sub, depth + 1) < 0)
			return -1;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		return fail(j, "',' or '}' expected");
	}
}

static int array(struct json *j, int depth)
{
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (value(j, NULL, depth + 1) < 0)
			return -1;
		ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		return fail(j, "',' or ']' expected");
	}
}

static int literal(struct json *j, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return fail(j, "unknown literal");
	j->p += n;
	return 0;
}

static int value(struct json *j, const char *want, int depth)
{
	if (depth > 64)
		return fail(j, "nested too deep");
	ws(j);
	if (j->p >= j->end)
		return fail(j, "value expected");
	const char *start = j->p;
	int r;
	const char *s;
	size_t n;
	switch (*j->p) {
	case '{': r = object(j, want && *want ? want : NULL, depth); break;
	case '[': r = array(j, depth); break;
	case '"': r = string(j, &s, &n); break;
	case 't': r = literal(j, "true"); break;
	case 'f': r = literal(j, "false"); break;
	case 'n': r = literal(j, "null"); break;
	default: r = number(j); break;
	}
	if (r == 0 && want && !*want) {
		j->found = start;
		j->found_end = j->p;
	}
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: json_check FILE [PATH...]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	char *buf = malloc(1 << 20);
	if (!buf)
		return 2;
	size_t len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	for (int i = 1; i < argc; i++) {
		struct json j = {.p = buf, .end = buf + len};
		const char *want = i == 1 ? NULL : argv[i];
		if (value(&j, want, 0) == 0) {
			ws(&j);
			if (j.p != j.end)
				fail(&j, "text after the value");
		}
		if (j.err) {
			printf("json_check: %s: %s at offset %ld\n", argv[1], j.err, (long)(j.p - buf));
			return 1;
		}
		if (!want)
			continue;
		if (!j.found) {
			printf("json_check: %s: no value at %s\n", argv[1], want);
			return 1;
		}
		printf("%.*s\n", (int)(j.found_end - j.found), j.found);
	}
	return 0;
}
