/* A JSON string's contents: see json_string.h. */
#include "json_string.h"

#include "settings/copy.h"

/* The length of the valid UTF-8 sequence at s (1 to 4 bytes), or 0 if the
 * bytes there are not one: a bad lead or continuation byte, a truncated,
 * overlong or surrogate sequence, or one beyond U+10FFFF (the well-formed
 * sequences of Unicode's table 3-7).  Reads no further than the first byte
 * that is wrong, so never past a terminating NUL. */
static size_t utf8_length(const unsigned char *s)
{
	unsigned char low = 0x80, high = 0xbf; /* the second byte's range */
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			low = 0xa0; /* below: overlong */
		else if (s[0] == 0xed)
			high = 0x9f; /* above: a surrogate */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			low = 0x90; /* below: overlong */
		else if (s[0] == 0xf4)
			high = 0x8f; /* above: beyond U+10FFFF */
	} else {
		return 0;
	}
	if (s[1] < low || s[1] > high)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* One character of a JSON string's contents, written to unit (at most 6
 * bytes, not terminated): quotes and backslashes escaped, a valid UTF-8
 * sequence kept, and anything else a byte at a time as \u00XX: control
 * characters and DEL as JSON writes them, and each byte of an invalid
 * sequence too, since a JSON string cannot hold raw bytes (this reading as
 * Latin-1 keeps the byte's value).  Returns how many bytes of p it took,
 * and sets *size. */
static size_t json_unit(const unsigned char *p, char *unit, size_t *size)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = utf8_length(p);
	if (*p == '"' || *p == '\\') {
		unit[0] = '\\';
		unit[1] = (char)*p;
		*size = 2;
	} else if (n > 1 || (n == 1 && *p >= 0x20 && *p != 0x7f)) {
		copy_bytes(unit, p, n);
		*size = n;
	} else {
		unit[0] = '\\';
		unit[1] = 'u';
		unit[2] = unit[3] = '0';
		unit[4] = hex[*p >> 4];
		unit[5] = hex[*p & 15];
		*size = 6;
		n = 1;
	}
	return n;
}

void json_string_add(struct line *l, const char *s, size_t room)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p != NULL && *p != '\0') {
		char unit[6];
		size_t size;
		size_t taken = json_unit(p, unit, &size);
		if (l->len + size + room > sizeof l->text)
			return;
		copy_bytes(l->text + l->len, unit, size);
		l->len += size;
		p += taken;
	}
}
