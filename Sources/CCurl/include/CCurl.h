#ifndef REDIS_EVENTSOURCE_CCURL_H
#define REDIS_EVENTSOURCE_CCURL_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
   Each wrapper fixes the argument type so Swift sees an ordinary function. */

typedef size_t (*ccurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*ccurl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                      curl_off_t ultotal, curl_off_t ulnow);

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback value);
CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, ccurl_xferinfo_callback value);
/* Copies the bytes, so the caller's buffer may go away after the call. */
CURLcode ccurl_setopt_blob(CURL *handle, CURLoption option, const void *data, size_t length);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/* curl_multi_setopt is variadic too. */
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
/* libcurl tells which sockets to watch and when its next timeout is due through these two. */
CURLMcode ccurl_multi_setopt_socket_function(CURLM *multi, curl_socket_callback callback, void *data);
CURLMcode ccurl_multi_setopt_timer_function(CURLM *multi, curl_multi_timer_callback callback, void *data);
/* The result of a finished transfer lives in a union of CURLMsg; read it in C rather than
   rely on how Swift imports the union. */
CURLcode ccurl_message_result(const CURLMsg *message);

#endif
