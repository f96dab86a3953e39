/* The two formats of a model card, Markdown and one self-contained HTML
 * page, behind one set of primitives (src/registry/card-internal.h), so
 * that the sections are written once. Every text from outside cairn goes
 * through an escape of its format. */
#include <stdarg.h>
#include <string.h>
#include "core/svgplot.h"
#include "core/utf8.h"
#include "registry/card-internal.h"

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}"
	"main{max-width:980px;margin:0 auto;padding:24px 32px;background:#fff}"
	"h1{font-size:1.7em;border-bottom:2px solid #2b5d8a;padding-bottom:6px}"
	"h2{font-size:1.3em;color:#2b5d8a;margin-top:2em;border-bottom:1px solid #ddd}"
	"h3{font-size:1.05em;margin-top:1.5em}"
	"table{border-collapse:collapse;margin:8px 0 16px;font-size:.92em}"
	"th,td{border:1px solid #d6d6d6;padding:4px 8px;text-align:left;vertical-align:top}"
	"th{background:#eef3f8}"
	"code{font-family:ui-monospace,monospace;font-size:.92em;word-break:break-all}"
	".missing{color:#8a5a00;font-style:italic}"
	"figure{margin:12px 0}svg{max-width:100%;height:auto}";

/* Markdown: the characters that would start markup are escaped, < > &
 * written as entities, control characters and newlines as spaces, and
 * bytes that are not UTF-8 as U+FFFD, so a text stays one inline run. */
static void md_escape(cairn_buf *out, const char *s)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80) {
			s += cairn_utf8_add_char(out, s);
			continue;
		}
		if (c == '<')
			cairn_buf_adds(out, "&lt;");
		else if (c == '>')
			cairn_buf_adds(out, "&gt;");
		else if (c == '&')
			cairn_buf_adds(out, "&amp;");
		else if (c < 0x20 || c == 0x7f)
			cairn_buf_addch(out, ' ');
		else {
			if (strchr("\\`*_[]#|~", c))
				cairn_buf_addch(out, '\\');
			cairn_buf_addch(out, c);
		}
		s++;
	}
}

/* What would make a Markdown block a list, a heading underline or a code
 * block when it starts one: leading blanks are dropped, "-", "+", "=" and
 * the "." or ")" after leading digits escaped. */
static const char *md_block_start(cairn_buf *out, const char *s)
{
	size_t digits;

	s += strspn(s, " \t");
	if (*s && strchr("-+=", *s)) {
		cairn_buf_addch(out, '\\');
		return s;
	}
	digits = strspn(s, "0123456789");
	if (digits && (s[digits] == '.' || s[digits] == ')')) {
		cairn_buf_add(out, s, digits);
		cairn_buf_addch(out, '\\');
		s += digits;
	}
	return s;
}

static void escape(struct cairn__doc *d, const char *s)
{
	if (d->html) {
		cairn_svgplot_escape(d->out, s);
	} else {
		if (d->bol)
			s = md_block_start(d->out, s);
		md_escape(d->out, s);
	}
	d->bol = 0;
}

void cairn__doc_begin(struct cairn__doc *d, const char *title)
{
	if (d->html) {
		cairn_buf_adds(d->out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			       "<title>");
		escape(d, title);
		cairn_buf_addf(d->out, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", style);
	}
	cairn__doc_heading(d, 1, title);
}

void cairn__doc_end(struct cairn__doc *d)
{
	if (d->html)
		cairn_buf_adds(d->out, "</main>\n</body>\n</html>\n");
}

void cairn__doc_heading(struct cairn__doc *d, int level, const char *text)
{
	if (d->html) {
		cairn_buf_addf(d->out, "<h%d>", level);
		escape(d, text);
		cairn_buf_addf(d->out, "</h%d>\n", level);
		return;
	}
	for (int i = 0; i < level; i++)
		cairn_buf_addch(d->out, '#');
	cairn_buf_addch(d->out, ' ');
	escape(d, text);
	cairn_buf_adds(d->out, "\n\n");
}

void cairn__doc_para_begin(struct cairn__doc *d)
{
	if (d->html)
		cairn_buf_adds(d->out, "<p>");
	d->bol = 1;
}

void cairn__doc_para_end(struct cairn__doc *d)
{
	cairn_buf_adds(d->out, d->html ? "</p>\n" : "\n\n");
}

void cairn__doc_text(struct cairn__doc *d, const char *text)
{
	escape(d, text ? text : "");
}

void cairn__doc_textf(struct cairn__doc *d, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	escape(d, b.buf);
	cairn_buf_release(&b);
}

void cairn__doc_raw(struct cairn__doc *d, const char *raw)
{
	cairn_buf_adds(d->out, raw);
	d->bol = 0;
}

void cairn__doc_code(struct cairn__doc *d, const char *text)
{
	/* Markdown code spans take no escapes: text that could end one or
	 * break its line is written as plain text instead. */
	if (!d->html && strpbrk(text, "`|\n\r<&")) {
		escape(d, text);
		return;
	}
	d->bol = 0;
	cairn_buf_adds(d->out, d->html ? "<code>" : "`");
	if (d->html)
		escape(d, text);
	else
		cairn_buf_adds(d->out, text);
	cairn_buf_adds(d->out, d->html ? "</code>" : "`");
}

void cairn__doc_missing(struct cairn__doc *d, const char *what)
{
	d->bol = 0;
	cairn_buf_adds(d->out, d->html ? "<span class=\"missing\">" : "*");
	escape(d, what);
	cairn_buf_adds(d->out, d->html ? "</span>" : "*");
}

void cairn__doc_list_begin(struct cairn__doc *d)
{
	if (d->html)
		cairn_buf_adds(d->out, "<ul>\n");
}

void cairn__doc_item_begin(struct cairn__doc *d)
{
	cairn_buf_adds(d->out, d->html ? "<li>" : "- ");
	d->bol = 1;
}

void cairn__doc_item_end(struct cairn__doc *d)
{
	cairn_buf_adds(d->out, d->html ? "</li>\n" : "\n");
}

void cairn__doc_list_end(struct cairn__doc *d)
{
	cairn_buf_adds(d->out, d->html ? "</ul>\n" : "\n");
}

void cairn__doc_table_begin(struct cairn__doc *d, int cols, const char *const *heads)
{
	d->cols = cols;
	d->cell = 0;
	if (d->html) {
		cairn_buf_adds(d->out, "<table>\n<thead><tr>");
		for (int i = 0; i < cols; i++) {
			cairn_buf_adds(d->out, "<th>");
			escape(d, heads[i]);
			cairn_buf_adds(d->out, "</th>");
		}
		cairn_buf_adds(d->out, "</tr></thead>\n<tbody>\n");
		return;
	}
	for (int i = 0; i < cols; i++) {
		cairn_buf_adds(d->out, "| ");
		escape(d, heads[i]);
		cairn_buf_addch(d->out, ' ');
	}
	cairn_buf_adds(d->out, "|\n");
	for (int i = 0; i < cols; i++)
		cairn_buf_adds(d->out, "| --- ");
	cairn_buf_adds(d->out, "|\n");
}

void cairn__doc_cell_begin(struct cairn__doc *d)
{
	if (d->html)
		cairn_buf_adds(d->out, d->cell ? "<td>" : "<tr><td>");
	else
		cairn_buf_adds(d->out, "| ");
	d->cell++;
}

void cairn__doc_cell_end(struct cairn__doc *d)
{
	cairn_buf_adds(d->out, d->html ? "</td>" : " ");
}

void cairn__doc_cell(struct cairn__doc *d, const char *text)
{
	cairn__doc_cell_begin(d);
	if (text)
		escape(d, text);
	cairn__doc_cell_end(d);
}

void cairn__doc_row_end(struct cairn__doc *d)
{
	/* A short row is filled, so Markdown keeps its columns. */
	while (d->cell < d->cols)
		cairn__doc_cell(d, NULL);
	cairn_buf_adds(d->out, d->html ? "</tr>\n" : "|\n");
	d->cell = 0;
}

void cairn__doc_table_end(struct cairn__doc *d)
{
	cairn_buf_adds(d->out, d->html ? "</tbody>\n</table>\n" : "\n");
}

/* Appends svg with each id, and each url(#id) naming one, made unique by
 * suffix: several plots in one page each keep their own clip path. */
static void add_svg_renamed(cairn_buf *out, const char *s, size_t suffix)
{
	while (*s) {
		const char *id = strstr(s, "id=\""), *url = strstr(s, "url(#"), *at, *end;
		size_t skip;

		if (id && (!url || id < url)) {
			at = id;
			skip = 4;
			end = strchr(at + skip, '"');
		} else if (url) {
			at = url;
			skip = 5;
			end = strchr(at + skip, ')');
		} else {
			break;
		}
		if (!end) {
			break;
		}
		cairn_buf_add(out, s, (size_t)(end - s));
		cairn_buf_addf(out, "-p%zu", suffix);
		s = end;
	}
	cairn_buf_adds(out, s);
}

void cairn__doc_svg(struct cairn__doc *d, const char *name, size_t index, const cairn_buf *svg)
{
	const char *s = svg->buf;

	if (!d->html) {
		cairn_buf_adds(d->out, "- ");
		escape(d, name);
		cairn_buf_adds(d->out, " (drawn in the HTML card)\n");
		return;
	}
	/* The XML declaration has no place inside an HTML page. */
	if (!strncmp(s, "<?xml", 5) && strchr(s, '\n'))
		s = strchr(s, '\n') + 1;
	cairn_buf_adds(d->out, "<figure>\n");
	add_svg_renamed(d->out, s, index);
	cairn_buf_adds(d->out, "</figure>\n");
}
