/* Out-of-fold predictions of cross-validation as CSV; see ml/oof.h. */
#include <string.h>
#include "ml/oof.h"

/* A CSV field, quoted when it holds a delimiter, a quote or a line break. */
static void add_field(cairn_buf *out, const char *s, int first)
{
	if (!first)
		cairn_buf_addch(out, ',');
	if (!strpbrk(s, ",\"\r\n")) {
		cairn_buf_adds(out, s);
		return;
	}
	cairn_buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			cairn_buf_addch(out, '"');
		cairn_buf_addch(out, *s);
	}
	cairn_buf_addch(out, '"');
}

void cairn__oof_csv(const struct cairn__oof *o, cairn_buf *out)
{
	const char *target = cairn_prep_target(o->prep);
	enum cairn_task task = cairn_prep_task(o->prep);
	int nclasses = cairn_prep_nclasses(o->prep);
	cairn_buf cell = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	int t = target ? cairn_frame_col(o->f, target) : -1;

	cairn_buf_adds(out, t >= 0 ? "row,fold,true,prediction" : "row,fold,prediction");
	for (int c = 0; task == CAIRN_TASK_CLASSIFICATION && c < nclasses; c++) {
		cairn_buf_reset(&name);
		cairn_buf_addf(&name, "proba_%s", cairn_prep_class(o->prep, c));
		add_field(out, name.buf, 0);
	}
	cairn_buf_addch(out, '\n');
	for (size_t i = 0; i < o->n; i++) {
		const double *p = o->pred + i * o->outputs;
		cairn_buf_addf(out, "%zu,%d", o->rows[i], o->fold[i]);
		if (t >= 0) {
			cairn_buf_reset(&cell);
			cairn_frame_cell_text(o->f, o->rows[i], (size_t)t, &cell);
			add_field(out, cell.buf, 0);
		}
		if (task == CAIRN_TASK_CLASSIFICATION) {
			int best = 0;
			for (int c = 1; c < nclasses; c++)
				if (p[c] > p[best])
					best = c;
			add_field(out, cairn_prep_class(o->prep, best), 0);
			for (int c = 0; c < nclasses; c++)
				cairn_buf_addf(out, ",%.17g", p[c]);
		} else if (task == CAIRN_TASK_CLUSTERING)
			cairn_buf_addf(out, ",%.0f", p[0]);
		else
			cairn_buf_addf(out, ",%.17g", p[0]);
		cairn_buf_addch(out, '\n');
	}
	cairn_buf_release(&cell);
	cairn_buf_release(&name);
}
