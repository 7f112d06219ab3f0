// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The printer: one description of a command's output, rendered as text or,
 * with --json, as JSON (json-c), on stdout only.
 *
 * Text is printed as the calls come. JSON is built as a tree and printed
 * whole when the outermost object ends, so that an error half-way prints
 * no broken document (print_discard() drops it).
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cli.h"

/* status: object, bindings, binding, layers, layer, rules, rule. */
#define PRINT_MAX_DEPTH	8

static struct {
	bool json;
	/* monitor: a record per line, each flushed as it comes */
	bool stream;
	unsigned int depth;
	/* JSON: the open containers, outermost first; only it is owned. */
	struct json_object *open[PRINT_MAX_DEPTH];
} printer;

/**
 * print_use_json() - write JSON instead of text (--json)
 */
void print_use_json(void)
{
	printer.json = true;
}

/**
 * print_stream() - write each outermost object as one line and flush it, for
 * a reader that follows the output as it comes (llsock monitor)
 */
void print_stream(void)
{
	printer.stream = true;
}

static void print_textv(const char *fmt, va_list ap)
{
	if (!printer.json && fmt)
		vprintf(fmt, ap);
}

/* Takes @value (NULL is JSON's null) into the innermost open container. */
static void add(const char *key, struct json_object *value)
{
	struct json_object *parent;

	if (!printer.json || !printer.depth) {
		json_object_put(value);
		return;
	}
	parent = printer.open[printer.depth - 1];
	if (json_object_is_type(parent, json_type_array))
		json_object_array_add(parent, value);
	else
		json_object_object_add(parent, key, value);
}

static void begin(const char *key, struct json_object *container)
{
	assert(printer.depth < PRINT_MAX_DEPTH);
	if (printer.json) {
		/* The enclosing container owns it; the outermost, we do. */
		if (printer.depth)
			add(key, container);
		printer.open[printer.depth] = container;
	}
	printer.depth++;
}

/**
 * print_begin_object() - open an object
 * @key: its key in the enclosing object; NULL in a list or outermost
 * @fmt: its text, printf style, or NULL
 */
void print_begin_object(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_textv(fmt, ap);
	va_end(ap);
	begin(key, printer.json ? json_object_new_object() : NULL);
}

/**
 * print_begin_list() - open a list, which has no text of its own
 * @key: its key in the enclosing object
 */
void print_begin_list(const char *key)
{
	begin(key, printer.json ? json_object_new_array() : NULL);
}

/**
 * print_end() - close the innermost object or list
 *
 * Closing the outermost object prints the JSON document: pretty, or on one
 * line with print_stream().
 */
void print_end(void)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	assert(printer.depth > 0);
	if (--printer.depth)
		return;
	if (printer.json) {
		flags |= printer.stream ? JSON_C_TO_STRING_PLAIN :
					  JSON_C_TO_STRING_PRETTY;
		puts(json_object_to_json_string_ext(printer.open[0], flags));
		json_object_put(printer.open[0]);
	}
	if (printer.stream)
		fflush(stdout);
}

/**
 * print_discard() - drop what the open objects hold, after an error
 *
 * Text already printed stays: it was true when printed.
 */
void print_discard(void)
{
	if (printer.json && printer.depth)
		json_object_put(printer.open[0]);
	printer.depth = 0;
}

/**
 * print_text() - text that has no JSON counterpart
 * @fmt: printf style
 */
void print_text(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_textv(fmt, ap);
	va_end(ap);
}

/* A field: @value for JSON, or the text of @fmt and @ap. */
static void field(const char *key, struct json_object *value,
		  const char *fmt, va_list ap)
{
	print_textv(fmt, ap);
	add(key, value);
}

/**
 * print_string() - a string field
 * @key: its key
 * @value: its value; NULL is JSON's null
 * @fmt: its text, printf style with the arguments that follow, or NULL
 */
void print_string(const char *key, const char *value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field(key, value && printer.json ? json_object_new_string(value) : NULL,
	      fmt, ap);
	va_end(ap);
}

/**
 * print_int() - a signed number field
 * @key: its key
 * @value: its value
 * @fmt: its text, printf style with the arguments that follow, or NULL
 */
void print_int(const char *key, long long value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field(key, printer.json ? json_object_new_int64(value) : NULL, fmt, ap);
	va_end(ap);
}

/**
 * print_uint() - an unsigned number field
 * @key: its key
 * @value: its value
 * @fmt: its text, printf style with the arguments that follow, or NULL
 */
void print_uint(const char *key, unsigned long long value, const char *fmt,
		...)
{
	va_list ap;

	va_start(ap, fmt);
	field(key, printer.json ? json_object_new_uint64(value) : NULL, fmt,
	      ap);
	va_end(ap);
}

/**
 * print_bool() - a boolean field
 * @key: its key
 * @value: its value
 * @fmt: its text, printf style with the arguments that follow, or NULL
 */
void print_bool(const char *key, bool value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field(key, printer.json ? json_object_new_boolean(value) : NULL, fmt,
	      ap);
	va_end(ap);
}

/**
 * print_opt_bool() - a boolean field that may be unknown
 * @key: its key
 * @known: whether @value is known; if not, the field is JSON's null
 * @value: its value
 * @fmt: its text, printf style with the arguments that follow, or NULL
 */
void print_opt_bool(const char *key, bool known, bool value, const char *fmt,
		    ...)
{
	bool json = printer.json && known;
	va_list ap;

	va_start(ap, fmt);
	field(key, json ? json_object_new_boolean(value) : NULL, fmt, ap);
	va_end(ap);
}
