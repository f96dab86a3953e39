/*
 * What the files of federated training share: the parent's side
 * (ml/federated.c), the sites' (ml/fed-site.c) and the model both make from
 * the weights (ml/fed-model.c). The contract and the protocol are
 * ml/federated.h; the pipes under it, ml/msg-pipe.h.
 */
#ifndef CAIRN_ML_FED_INTERNAL_H
#define CAIRN_ML_FED_INTERNAL_H

#include "ml/federated.h"

/* A site stops counting its target's classes past this many; the parent
 * refuses more over all the shards. */
#define CAIRN__FED_MAX_CLASSES 1000

/* The model of weights w (nf features, then the intercept when o->bias > 0,
 * each nw weights), as o->algo loads it, into *model: the caller frees it
 * with o->algo->free. nclasses is 0 for regression. */
int cairn__fed_make_model(cairn_ctx *ctx, const struct cairn__fed_options *o, int regression,
			  int nclasses, int multinomial, size_t nf, int nw, const double *w,
			  void **model);

/* The process of site index (shard o->shards[index]) in a child forked by
 * the parent, whose context parent gives the workspace's root and the log
 * sink (its database handle is not used), reading the parent's messages from in and answering on out:
 * it runs the protocol to its end, or until the parent goes away, and
 * leaves with _exit (status 1 after an error of its own), never returning
 * into the parent's code nor running its exit handlers. */
_Noreturn void cairn__fed_site_main(const cairn_ctx *parent, const struct cairn__fed_options *o,
				    size_t index, int in, int out);

#endif
