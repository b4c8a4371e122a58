// Placeholder: replaced by the simdjson implementation.
#include "CIngest.h"
extern "C" {
ci_parser *ci_parser_create(void) { return nullptr; }
void ci_parser_destroy(ci_parser *) {}
ci_result ci_parse(ci_parser *, const uint8_t *, size_t, size_t) { ci_result r = {}; r.error_field = "body"; r.error_message = "unavailable"; return r; }
int ci_parse_iso8601(const char *, size_t, int64_t *) { return 0; }
}
