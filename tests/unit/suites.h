/* The list of unit-test suites: one NULL-terminated array per module. */
#ifndef CAIRN_UNIT_SUITES_H
#define CAIRN_UNIT_SUITES_H

#include "tests/unit/unit.h"

extern const struct unit_test buf_tests[];
extern const struct unit_test id_tests[];
extern const struct unit_test ref_tests[];

#define UNIT_SUITES \
	buf_tests, \
	id_tests, \
	ref_tests,

#endif
