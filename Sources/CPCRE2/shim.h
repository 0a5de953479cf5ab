// PCRE2 names its functions by code unit width; filters match UTF-8, so the 8-bit library.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
