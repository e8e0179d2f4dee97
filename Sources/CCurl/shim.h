// libcurl's declarations (Debian libcurl4-openssl-dev), without linking it: ckptinspect loads
// libcurl.so.4 with dlopen only when an input is a URL (CurlLibrary.swift). Linking it made every
// start of the tool ~3 ms slower (its 30 dependent libraries), more than reading a GGUF header.
//
// Swift cannot call C variadic functions, and curl_easy_setopt, curl_easy_getinfo and
// curl_multi_setopt are variadic: these wrappers call the loaded symbol `fn` with one typed
// argument each.
#include <curl/curl.h>

static inline CURLcode ck_easy_setopt_long(void *fn, void *handle, CURLoption option, long value) {
  return ((CURLcode (*)(void *, CURLoption, ...))fn)(handle, option, value);
}

static inline CURLcode ck_easy_setopt_pointer(void *fn, void *handle, CURLoption option, const void *value) {
  return ((CURLcode (*)(void *, CURLoption, ...))fn)(handle, option, value);
}

static inline CURLcode ck_easy_getinfo_long(void *fn, void *handle, CURLINFO info, long *value) {
  return ((CURLcode (*)(void *, CURLINFO, ...))fn)(handle, info, value);
}

static inline CURLcode ck_easy_getinfo_string(void *fn, void *handle, CURLINFO info, const char **value) {
  return ((CURLcode (*)(void *, CURLINFO, ...))fn)(handle, info, value);
}

static inline CURLMcode ck_multi_setopt_long(void *fn, void *multi, CURLMoption option, long value) {
  return ((CURLMcode (*)(void *, CURLMoption, ...))fn)(multi, option, value);
}

/// The easy handle and result of a finished transfer (CURLMsg keeps them in a union).
static inline int ck_multi_message(const CURLMsg *message, void **handle, CURLcode *result) {
  if (message->msg != CURLMSG_DONE) return 0;
  *handle = message->easy_handle;
  *result = message->data.result;
  return 1;
}
