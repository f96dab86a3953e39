/*
 * libFuzzer target for the rows monitoring makes of a prediction log
 * record (cairn__mon_record_rows): the input is a JSON array [record,
 * feedback, classes] (a log line, the feedback of its request, the
 * model's number of classes); whatever the record holds (outputs of any
 * shape, probabilities of the wrong length, labels that fit no row,
 * inputs that are not arrays), it must not crash, and every row it adds
 * has its time and a probability row or the NaN mark.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "monitor/rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *in = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	struct cairn__mon_rows rows = { 0 };
	json_int_t k = json_integer_value(json_array_get(in, 2));

	if (!in)
		return 0;
	rows.k = k > 0 && k <= 64 ? (int)k : 0;
	cairn__mon_record_rows(json_array_get(in, 0), json_is_object(json_array_get(in, 1)) ?
			       json_array_get(in, 1) : NULL, "g", &rows);
	if (rows.records > 1 || rows.unjoined > rows.records)
		abort();
	for (size_t i = 0; i < rows.n; i++)
		if (rows.time_ms[i] != json_integer_value(json_object_get(json_array_get(in, 0),
									  "time_ms")))
			abort();
	cairn__mon_rows_release(&rows);
	json_decref(in);
	return 0;
}
