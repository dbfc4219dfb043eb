/* The report's tables: see table.h. */
#define _GNU_SOURCE
#include "table.h"

#include <stdbool.h>
#include <string.h>

/* The widest a column grows: a C++ name can be long, and one long name
 * should not push every other row of the report to the right. */
#define NAME_BOUND 40
#define FILE_BOUND 24

/* Cells: what each column says of a handler. */
static void handler_cell(char *buf, size_t size, const struct event *v)
{
	if (v->function != NULL)
		snprintf(buf, size, "%s", v->function);
	else if (v->name != NULL)
		snprintf(buf, size, "%s", v->name);
	else /* the library has a column of its own */
		snprintf(buf, size, "+%s", or(v->offset, "?"));
}

/* The object's name, else where it lies, else its address. */
static void object_cell(char *buf, size_t size, const struct event *v)
{
	if (v->object_name != NULL)
		snprintf(buf, size, "%s", v->object_name);
	else if (v->object_library != NULL && v->object_offset != NULL)
		snprintf(buf, size, "%s+%s", base(v->object_library), v->object_offset);
	else
		snprintf(buf, size, "%s", or(v->object, ""));
}

static int fit(int width, const char *value, int bound)
{
	int len = (int)strlen(value);
	if (len > bound)
		len = bound;
	return len > width ? len : width;
}

void table_fit(struct table *table, const struct trace_events *t)
{
	table->handler = table->object = table->library = table->registrar = 0;
	table->flavour = table->outcome = table->source = 0;
	for (size_t i = 0; i < t->nevents; i++) {
		const struct event *v = &t->events[i];
		if (v->kind != EV_DONE)
			continue;
		char text[512];
		handler_cell(text, sizeof text, v);
		table->handler = fit(table->handler, text, NAME_BOUND);
		object_cell(text, sizeof text, v);
		table->object = fit(table->object, text, NAME_BOUND);
		table->library = fit(table->library, base(v->library), FILE_BOUND);
		table->registrar = fit(table->registrar, base(v->registrar), FILE_BOUND);
		table->flavour = fit(table->flavour, or(v->flavour, ""), FILE_BOUND);
		outcome_text(text, sizeof text, v);
		table->outcome = fit(table->outcome, text, FILE_BOUND);
		table->source = fit(table->source, or(v->source, ""), 1);
	}
	/* a column is as wide as its heading, if it has anything to show */
	table->handler = fit(table->handler, "handler", NAME_BOUND);
	table->library = fit(table->library, "library", FILE_BOUND);
	table->flavour = fit(table->flavour, "flavour", FILE_BOUND);
	table->outcome = fit(table->outcome, "outcome", FILE_BOUND);
	if (table->object > 0)
		table->object = fit(table->object, "object", NAME_BOUND);
	if (table->registrar > 0)
		table->registrar = fit(table->registrar, "registered by", FILE_BOUND);
}

/* A line of cells, without the spaces a last empty cell would leave. */
struct cells {
	char text[4096];
	size_t len;
};

/* A cell and the two spaces after it. */
static void cell(struct cells *c, int width, const char *value, bool right)
{
	int n = snprintf(c->text + c->len, sizeof c->text - c->len, right ? "%*s  " : "%-*s  ", width, value);
	if (n > 0)
		c->len = c->len + (size_t)n < sizeof c->text ? c->len + (size_t)n : sizeof c->text - 1;
}

static void print_cells(FILE *out, const struct table *table, struct cells *c)
{
	while (c->len > 0 && c->text[c->len - 1] == ' ')
		c->len--;
	c->text[c->len] = '\0';
	fprintf(out, "%s%s\n", table->indent, c->text);
}

/* The columns' headings or a row's cells, in the one order. */
struct row_cells {
	const char *first, *seq, *handler, *object, *library, *registrar, *flavour, *duration, *outcome, *source;
};

static void print_row(FILE *out, const struct table *table, const struct row_cells *r)
{
	struct cells c = { .len = 0 };
	/* the two numbers first, "# seq" as one column would read */
	cell(&c, table->columns & TABLE_PID ? 7 : 2, r->first, true);
	cell(&c, 4, r->seq, true);
	cell(&c, table->handler, r->handler, false);
	if (table->object > 0)
		cell(&c, table->object, r->object, false);
	cell(&c, table->library, r->library, false);
	if (table->registrar > 0)
		cell(&c, table->registrar, r->registrar, false);
	if (table->columns & TABLE_FLAVOUR)
		cell(&c, table->flavour, r->flavour, false);
	if (table->columns & TABLE_DURATION)
		cell(&c, 10, r->duration, true);
	cell(&c, table->outcome, r->outcome, false);
	if (table->source > 0)
		cell(&c, 0, r->source, false);
	print_cells(out, table, &c);
}

void table_header(FILE *out, const struct table *table)
{
	struct row_cells r = {
		table->columns & TABLE_PID ? "pid" : "#", "seq", "handler", "object", "library", "registered by",
		"flavour", "duration", "outcome", "source",
	};
	print_row(out, table, &r);
}

void table_row(FILE *out, const struct table *table, long first, const struct event *v)
{
	char number[24], seq[24], handler[512], object[512], duration[32], outcome[64];
	snprintf(number, sizeof number, "%ld", first);
	if (v->has_seq)
		snprintf(seq, sizeof seq, "%lld", v->seq);
	else
		snprintf(seq, sizeof seq, "?");
	handler_cell(handler, sizeof handler, v);
	object_cell(object, sizeof object, v);
	snprintf(duration, sizeof duration, "%lld us", v->duration_us);
	outcome_text(outcome, sizeof outcome, v);
	struct row_cells r = {
		number, seq, handler, object, base(v->library), base(v->registrar), or(v->flavour, ""),
		duration, outcome, or(v->source, ""),
	};
	print_row(out, table, &r);
}
