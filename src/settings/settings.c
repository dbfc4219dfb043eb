/* Configuration parsing: see settings.h. */
#define _GNU_SOURCE
#include "settings.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signal_names.h"

const char *const settings_variables[] = {
	"ATEXIT_SHIM_HANDLERS", "ATEXIT_SHIM_TRACE", "ATEXIT_SHIM_TRACE_FORMAT",
	"ATEXIT_SHIM_SIGNALS",  "ATEXIT_SHIM_TIMEOUT", "ATEXIT_SHIM_SKIP",
	"ATEXIT_SHIM_FOLLOW",   "ATEXIT_SHIM_ROOT_PID", "ATEXIT_SHIM_SYMBOLIZER", "ATEXIT_SHIM_TRACE_FD",
	"ATEXIT_SHIM_RUN_DIR",  "ATEXIT_SHIM_SUPERVISOR", NULL,
};

void settings_quote(char *out, size_t size, const char *value, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && o + 5 < size; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c >= 0x20 && c != 0x7f)
			out[o++] = (char)c;
		else if (c == '\n' || c == '\t')
			o += (size_t)snprintf(out + o, size - o, "\\%c", c == '\n' ? 'n' : 't');
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

/* "'value': expected what" into problem. */
static bool bad(char *problem, size_t size, const char *value, const char *expected)
{
	char shown[128];
	settings_quote(shown, sizeof shown, value, strlen(value));
	snprintf(problem, size, "'%s': expected %s", shown, expected);
	return false;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

int settings_next_entry(const char **cursor, struct handler_entry *e, char *problem, size_t size)
{
	const char *p = *cursor;
	for (;;) {
		if (*p == '\0')
			return 0;
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *next = end ? end + 1 : p + len;
		e->line++;
		*cursor = next;
		size_t lead = strspn(p, " \t");
		if (lead == len || p[lead] == '#') {
			p = next;
			continue;
		}
		e->library = NULL;
		e->library_len = 0;
		if (starts(p, len, "cmd:") && len > 4) {
			e->kind = ENTRY_CMD;
			e->text = p + 4;
			e->text_len = len - 4;
			return 1;
		}
		if (starts(p, len, "fn:") && len > 3) {
			e->kind = ENTRY_FN;
			const char *spec = p + 3;
			size_t spec_len = len - 3;
			const char *colon = memrchr(spec, ':', spec_len);
			e->text = colon ? colon + 1 : spec;
			e->text_len = spec_len - (size_t)(e->text - spec);
			if (colon != NULL) {
				e->library = spec;
				e->library_len = (size_t)(colon - spec);
			}
			if (e->text_len > 0 && (colon == NULL || e->library_len > 0))
				return 1;
		}
		char shown[128];
		settings_quote(shown, sizeof shown, p, len > 60 ? 60 : len);
		snprintf(problem, size, "line %d '%s': expected cmd:COMMAND or fn:[LIBRARY:]SYMBOL", e->line, shown);
		return -1;
	}
}

/* A number up to 999, digits only (leading zeros allowed), or -1. */
static int small_number(const char *s)
{
	int n = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((n = n * 10 + (*p - '0')) > 999)
			return -1;
	return p != s && *p == '\0' ? n : -1;
}

/* The signals a set can hold (bit s-1 for signal s): the standard ones
 * with a name, and the real-time ones as the running glibc counts them
 * (it keeps the first two for itself), at run time: SIGRTMIN and SIGRTMAX
 * are calls. */
static bool known_signal(int sig)
{
	if (sig <= 0 || sig > 64)
		return false;
	return signal_name(sig) != NULL || (sig >= SIGRTMIN && sig <= SIGRTMAX);
}

/* RTMIN, RTMIN+n, RTMAX or RTMAX-n (any case, SIG already taken off), as
 * kill(1) and bash name them; 0 if name is none of them. */
static int realtime_signal(const char *name)
{
	bool from_min = strncasecmp(name, "RTMIN", 5) == 0;
	if (!from_min && strncasecmp(name, "RTMAX", 5) != 0)
		return 0;
	const char *rest = name + 5;
	int offset = 0;
	if (*rest != '\0' && (*rest != (from_min ? '+' : '-') || (offset = small_number(rest + 1)) < 0))
		return 0;
	int sig = from_min ? SIGRTMIN + offset : SIGRTMAX - offset;
	return sig >= SIGRTMIN && sig <= SIGRTMAX && known_signal(sig) ? sig : 0;
}

/* A signal by name (TERM, SIGTERM, RTMIN+1, any case) or number; 0 if none. */
static int parse_signal(const char *s, size_t len)
{
	char word[16];
	if (len == 0 || len >= sizeof word)
		return 0;
	/* not memmove: _FORTIFY_SOURCE's checked memmove becomes memcpy here, of
	 * a newer symbol version (copy.h) */
	snprintf(word, sizeof word, "%.*s", (int)len, s);
	int n = small_number(word);
	if (n >= 0)
		return known_signal(n) ? n : 0;
	const char *name = strncasecmp(word, "SIG", 3) == 0 ? word + 3 : word;
	int sig = realtime_signal(name);
	for (int i = 1; sig == 0 && i <= 64; i++) {
		const char *known = signal_name(i);
		if (known != NULL && strcasecmp(known, name) == 0)
			sig = i;
	}
	return sig;
}

/* What a signal list may hold, with this system's numbers. */
static void expected_signals(char *out, size_t size)
{
	int standard = 0;
	while (signal_name(standard + 1) != NULL)
		standard++;
	snprintf(out, size, "signal names (TERM or SIGTERM, RTMIN+n, RTMAX-n) or numbers 1-%d and %d-%d, "
	         "separated by commas", standard, SIGRTMIN, SIGRTMAX);
}

bool settings_parse_signals(const char *value, uint64_t *out, char *problem, size_t size)
{
	uint64_t set = 0;
	const char *p = value;
	do {
		size_t len = strcspn(p, ",");
		int sig = parse_signal(p, len);
		if (sig == 0) {
			char expected[160];
			expected_signals(expected, sizeof expected);
			return bad(problem, size, value, expected);
		}
		if (sig == SIGKILL || sig == SIGSTOP)
			return bad(problem, size, value, "signals that can be caught (not KILL or STOP)");
		set |= UINT64_C(1) << (sig - 1);
		p += len;
	} while (*p++ == ',');
	*out = set;
	return true;
}

bool settings_parse_timeout(const char *value, uint64_t *out_ns, char *problem, size_t size)
{
	char *end;
	errno = 0;
	double seconds = strtod(value, &end);
	bool out_of_range = errno == ERANGE; /* too large for a double, or too small */
	/* strtod also reads hex, inf and nan: take plain decimals only */
	if (end == value || *end != '\0' || strspn(value, "0123456789.") != strlen(value) ||
	    strspn(value, "0.") == strlen(value))
		return bad(problem, size, value, "seconds, a number > 0 (decimals allowed)");
	if (seconds > 1e9 || (out_of_range && seconds >= 1)) /* 1e18 ns: well within the 64 bits counted in */
		return bad(problem, size, value, "seconds, at most 1000000000");
	*out_ns = (uint64_t)(seconds * 1e9 + 0.5); /* rounded; not llround: libm in every process */
	if (*out_ns == 0)
		*out_ns = 1;
	return true;
}

bool settings_parse_skip(const char *value, char *problem, size_t size)
{
	const char *p = value;
	do {
		size_t len = strcspn(p, ",");
		if (len == 0)
			return bad(problem, size, value, "shell globs over handler names, separated by commas");
		p += len;
	} while (*p++ == ',');
	return true;
}

const char *settings_parse_trace(const char *value)
{
	if (value == NULL || *value == '\0' || strcmp(value, "0") == 0)
		return NULL;
	return strcmp(value, "1") == 0 || strcmp(value, "stderr") == 0 ? "" : value;
}

/* By hand, not strtol: every process under the shim reads this at start-up. */
long settings_parse_pid(const char *value)
{
	if (value == NULL)
		return 0;
	long pid = 0;
	const char *p = value;
	for (; *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';
		if (pid > (INT_MAX - digit) / 10) /* checked first: long may be int's size */
			return 0;
		pid = pid * 10 + digit;
	}
	return p != value && *p == '\0' && pid > 0 ? pid : 0;
}

static bool parse_pid(const char *value, long *out, char *problem, size_t size)
{
	*out = settings_parse_pid(value);
	return *out != 0 || bad(problem, size, value, "a process id");
}

struct reader {
	settings_lookup *lookup;
	settings_complaint *complain;
	void *ctx;
	int problems;
};

/* The value of a variable if it is set and not empty. */
static const char *get(struct reader *r, const char *name)
{
	const char *value = r->lookup(name, r->ctx);
	return value != NULL && *value != '\0' ? value : NULL;
}

static void complain(struct reader *r, const char *name, const char *problem)
{
	char line[512];
	snprintf(line, sizeof line, "%s=%s", name, problem);
	r->complain(line, r->ctx);
	r->problems++;
}

/* Each bad entry of the handlers list reported; the good ones stand (the
 * library skips the bad ones as it registers). */
static void check_handlers(struct reader *r, const char *value)
{
	struct handler_entry e = { .line = 0 };
	const char *cursor = value;
	char problem[256];
	int got;
	while ((got = settings_next_entry(&cursor, &e, problem, sizeof problem)) != 0)
		if (got < 0)
			complain(r, "ATEXIT_SHIM_HANDLERS", problem);
}

int settings_read(struct settings *s, settings_lookup *lookup, settings_complaint *complain_fn, void *ctx)
{
	struct reader r = { lookup, complain_fn, ctx, 0 };
	char problem[256];
	const char *v;
	*s = (struct settings){ .format = TRACE_TEXT };

	if ((v = get(&r, "ATEXIT_SHIM_HANDLERS")) != NULL) {
		check_handlers(&r, v);
		s->handlers = v;
	}
	if ((v = get(&r, "ATEXIT_SHIM_SKIP")) != NULL) {
		if (settings_parse_skip(v, problem, sizeof problem))
			s->skip = v;
		else
			complain(&r, "ATEXIT_SHIM_SKIP", problem);
	}
	if ((v = get(&r, "ATEXIT_SHIM_FOLLOW")) != NULL) {
		s->follow = strcmp(v, "1") == 0;
		if (!s->follow) {
			bad(problem, sizeof problem, v, "1");
			complain(&r, "ATEXIT_SHIM_FOLLOW", problem);
		}
	}
	s->trace = settings_parse_trace(get(&r, "ATEXIT_SHIM_TRACE"));
	if ((v = get(&r, "ATEXIT_SHIM_TRACE_FORMAT")) != NULL) {
		if (strcmp(v, "json") == 0) {
			s->format = TRACE_JSON;
		} else if (strcmp(v, "text") != 0) {
			bad(problem, sizeof problem, v, "text or json");
			complain(&r, "ATEXIT_SHIM_TRACE_FORMAT", problem);
		}
	}
	if ((v = get(&r, "ATEXIT_SHIM_SIGNALS")) != NULL &&
	    !settings_parse_signals(v, &s->signals, problem, sizeof problem))
		complain(&r, "ATEXIT_SHIM_SIGNALS", problem);
	if ((v = get(&r, "ATEXIT_SHIM_TIMEOUT")) != NULL &&
	    !settings_parse_timeout(v, &s->timeout_ns, problem, sizeof problem))
		complain(&r, "ATEXIT_SHIM_TIMEOUT", problem);
	if ((v = get(&r, "ATEXIT_SHIM_ROOT_PID")) != NULL && !parse_pid(v, &s->root_pid, problem, sizeof problem))
		complain(&r, "ATEXIT_SHIM_ROOT_PID", problem);
	if ((v = get(&r, "ATEXIT_SHIM_SUPERVISOR")) != NULL && !parse_pid(v, &s->supervisor, problem, sizeof problem))
		complain(&r, "ATEXIT_SHIM_SUPERVISOR", problem);
	if ((v = get(&r, "ATEXIT_SHIM_RUN_DIR")) != NULL) {
		if (v[0] == '/') {
			s->run_dir = v;
		} else {
			bad(problem, sizeof problem, v, "an absolute directory");
			complain(&r, "ATEXIT_SHIM_RUN_DIR", problem);
		}
	}
	s->trace_fd = -1;
	if ((v = get(&r, "ATEXIT_SHIM_TRACE_FD")) != NULL) {
		long fd = settings_parse_pid(v); /* the same digits: a number above 0 */
		if (fd > 2) {
			s->trace_fd = (int)fd;
		} else {
			bad(problem, sizeof problem, v, "a descriptor number above 2");
			complain(&r, "ATEXIT_SHIM_TRACE_FD", problem);
		}
	}
	return r.problems;
}
