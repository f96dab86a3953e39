/*
 * libFuzzer target for the server's v2 tensor decoder (cairn__v2_decode)
 * and the frame built from what it decodes (cairn__serve_input_frame),
 * which take bytes from the network: neither may crash, read out of
 * bounds or leak (fuzz/fuzz-serve.h checks the frame).
 */
#include "fuzz/fuzz-serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_serve(cairn__v2_decode, data, size);
}
