/*
 * The algorithms of the table in src/ml/algorithms.c, one file each.
 */
#ifndef CAIRN_ML_ALGORITHMS_H
#define CAIRN_ML_ALGORITHMS_H

#include "cairn/learner.h"

#endif
