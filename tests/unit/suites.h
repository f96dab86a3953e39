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
extern const struct unit_test output_tests[];
extern const struct unit_test gc_tests[];
extern const struct unit_test log_tests[];
extern const struct unit_test db_tests[];
extern const struct unit_test workspace_tests[];
extern const struct unit_test fsck_tests[];
extern const struct unit_test csv_tests[];
extern const struct unit_test value_tests[];
extern const struct unit_test decimal_tests[];
extern const struct unit_test frame_tests[];
extern const struct unit_test profile_tests[];
extern const struct unit_test expect_tests[];
extern const struct unit_test derive_tests[];
extern const struct unit_test dataset_ops_tests[];
extern const struct unit_test filter_tests[];
extern const struct unit_test svgplot_tests[];
extern const struct unit_test run_tests[];
extern const struct unit_test preprocess_tests[];
extern const struct unit_test yaml_tests[];
extern const struct unit_test sysinfo_tests[];
extern const struct unit_test exec_tests[];
extern const struct unit_test lineage_tests[];
extern const struct unit_test linear_tests[];
extern const struct unit_test kmeans_tests[];
extern const struct unit_test knn_tests[];
extern const struct unit_test naive_bayes_tests[];
extern const struct unit_test softmax_tests[];
extern const struct unit_test native_tests[];
extern const struct unit_test learners_cv_tests[];
extern const struct unit_test evaluate_tests[];
extern const struct unit_test plots_tests[];
extern const struct unit_test xgboost_tests[];
extern const struct unit_test package_tests[];
extern const struct unit_test import_tests[];
extern const struct unit_test federated_tests[];
extern const struct unit_test reproduce_tests[];
extern const struct unit_test train_tests[];
extern const struct unit_test sweep_tests[];
extern const struct unit_test gates_tests[];
extern const struct unit_test ci_tests[];
extern const struct unit_test card_tests[];
extern const struct unit_test registry_tests[];
extern const struct unit_test bundle_tests[];
extern const struct unit_test serve_tests[];
extern const struct unit_test serve_reload_tests[];
extern const struct unit_test predlog_tests[];
extern const struct unit_test prom_tests[];
extern const struct unit_test monitor_alerts_tests[];
extern const struct unit_test serve_batch_tests[];
extern const struct unit_test monitor_bias_tests[];
extern const struct unit_test monitor_stats_tests[];

#define UNIT_SUITES \
	buf_tests, \
	id_tests, \
	ref_tests, \
	objects_tests, \
	hash_tests, \
	json_tests, \
	fs_tests, \
	output_tests, \
	gc_tests, \
	log_tests, \
	db_tests, \
	workspace_tests, \
	fsck_tests, \
	csv_tests, \
	value_tests, \
	decimal_tests, \
	profile_tests, \
	expect_tests, \
	derive_tests, \
	dataset_ops_tests, \
	filter_tests, \
	svgplot_tests, \
	run_tests, \
	preprocess_tests, \
	yaml_tests, \
	sysinfo_tests, \
	exec_tests, \
	lineage_tests, \
	linear_tests, \
	kmeans_tests, \
	knn_tests, \
	naive_bayes_tests, \
	softmax_tests, \
	native_tests, \
	learners_cv_tests, \
	xgboost_tests, \
	frame_tests, \
	evaluate_tests, \
	package_tests, \
	import_tests, \
	federated_tests, \
	reproduce_tests, \
	plots_tests, \
	train_tests, \
	sweep_tests, \
	gates_tests, \
	ci_tests, \
	card_tests, \
	registry_tests, \
	bundle_tests, \
	serve_tests, \
	serve_reload_tests, \
	predlog_tests, \
	prom_tests, \
	serve_batch_tests, \
	monitor_bias_tests, \
	monitor_stats_tests, \
	monitor_alerts_tests,

#endif
