/* The list of unit-test suites: one NULL-terminated array per module. */
#ifndef CAIRN_UNIT_SUITES_H
#define CAIRN_UNIT_SUITES_H

#include "tests/unit/unit.h"

extern const struct unit_test buf_tests[];
extern const struct unit_test id_tests[];
extern const struct unit_test ref_tests[];
extern const struct unit_test objects_tests[];
extern const struct unit_test hash_tests[];
extern const struct unit_test json_tests[];
extern const struct unit_test fs_tests[];
extern const struct unit_test log_tests[];
extern const struct unit_test db_tests[];
extern const struct unit_test workspace_tests[];
extern const struct unit_test csv_tests[];
extern const struct unit_test value_tests[];
extern const struct unit_test frame_tests[];
extern const struct unit_test profile_tests[];
extern const struct unit_test expect_tests[];
extern const struct unit_test derive_tests[];
extern const struct unit_test filter_tests[];
extern const struct unit_test svgplot_tests[];
extern const struct unit_test run_tests[];
extern const struct unit_test preprocess_tests[];
extern const struct unit_test sysinfo_tests[];
extern const struct unit_test exec_tests[];
extern const struct unit_test lineage_tests[];

#define UNIT_SUITES \
	buf_tests, \
	id_tests, \
	ref_tests, \
	objects_tests, \
	hash_tests, \
	json_tests, \
	fs_tests, \
	log_tests, \
	db_tests, \
	workspace_tests, \
	csv_tests, \
	value_tests, \
	profile_tests, \
	expect_tests, \
	derive_tests, \
	filter_tests, \
	svgplot_tests, \
	run_tests, \
	preprocess_tests, \
	sysinfo_tests, \
	exec_tests, \
	lineage_tests, \
	frame_tests,

#endif
