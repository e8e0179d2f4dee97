// The system libzstd (Debian libzstd-dev): streaming decompression and frame inspection.
// ZSTD_STATIC_LINKING_ONLY exposes ZSTD_customMem and ZSTD_createDStream_advanced, which the
// shared library exports too (libzstd >= 1.3): ckptinspect gives the decoder its own allocator.
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>
