// The system libzstd (Debian libzstd-dev): streaming decompression and frame inspection.
#include <zstd.h>
#include <zstd_errors.h>
