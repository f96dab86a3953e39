/*
 * libFuzzer target for the files a model package is read from: the MLmodel
 * manifest (YAML, cairn_yaml_load_text) and the preprocessing spec (JSON,
 * cairn_prep_from_json). Neither may crash or read out of bounds; a spec
 * that is accepted must transform a small frame without error or with a
 * clear one, and YAML that is read must write back and read again as the
 * same value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"
#include "core/yaml.h"
#include "ml/preprocess.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char frame_text[] = "x,color,y\n1,red,a\n,blue,b\n3,,a\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *v = NULL, *spec = NULL;
	cairn_prep *p = NULL;

	/* Alias bombs (one is in the corpus) stop early: each input stays cheap. */
	cairn__yaml_max_nodes = 2000;

	if (!cairn_yaml_load_text(ctx, "fuzz", (const char *)data, size, &v)) {
		cairn_buf b = CAIRN_BUF_INIT;
		json_t *again = NULL;
		if (json_is_object(v)) {
			cairn_yaml_append(&b, v);
			if (cairn_yaml_load_text(ctx, "again", b.buf, b.len, &again) || !json_equal(v, again))
				abort();
		}
		json_decref(again);
		cairn_buf_release(&b);
	}
	spec = json_loadb((const char *)data, size, 0, NULL);
	if (spec && !cairn_prep_from_json(ctx, spec, &p)) {
		struct cairn_frame *f = NULL;
		struct cairn_matrix x = { 0 };
		double *y = NULL;
		if (!cairn_frame_load_mem(ctx, frame_text, sizeof(frame_text) - 1, "f.csv", NULL, &f)) {
			if (!cairn_prep_transform(ctx, p, f, NULL, 0, &x, &y)) {
				if (x.rows != 3 || x.cols != cairn_prep_nfeatures(p))
					abort();
			}
			free(x.v);
			free(y);
			cairn_frame_free(f);
		}
		json_decref(cairn_prep_json(p));
		cairn_prep_free(p);
	}
	json_decref(spec);
	json_decref(v);
	cairn_ctx_free(ctx);
	return 0;
}
