/* Test hooks of src/data/profile.c. */
#ifndef CAIRN_DATA_PROFILE_INTERNAL_H
#define CAIRN_DATA_PROFILE_INTERNAL_H

#include <stddef.h>

/* The fewest bytes cairn_profile_csv_file() gives one thread (1 MiB); tests
 * lower it to cut small files into several ranges. */
extern size_t cairn__profile_min_range;

#endif
