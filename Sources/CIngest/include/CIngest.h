// C API over simdjson (On Demand) for ingest bodies.
// A body is either one event object or {"events": [event, ...]}. Each event is turned into a flat
// record whose strings are spans into the parser's arena (unescaped UTF-8), so Swift can intern
// them without building Strings.
#ifndef CINGEST_H
#define CINGEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A string in the arena. `length == 0 && offset == CI_ABSENT` means the field was not given
/// (or was JSON null).
typedef struct {
    uint32_t offset;
    uint32_t length;
} ci_span;

#define CI_ABSENT 0xFFFFFFFFu

/// Kind of a property value: its text is in the arena (numbers as their JSON token, booleans as
/// "true"/"false"). JSON null values are dropped.
enum {
    CI_VALUE_STRING = 0,
    CI_VALUE_NUMBER = 1,
    CI_VALUE_BOOL = 2,
};

typedef struct {
    ci_span key;
    ci_span value;
    uint32_t kind;
} ci_property;

/// One event. Field names accepted (aliases from the generator's line format in brackets):
/// event_type [event], user_email [user_id], account_id, page_url [page], external_id,
/// anonymous_id, timestamp (ISO-8601 string or epoch milliseconds), properties (flat object).
/// Unknown top-level keys (e.g. "tenant", "type") are ignored.
typedef struct {
    ci_span event_type;
    ci_span user;
    ci_span account;
    ci_span page;
    ci_span external_id;
    ci_span anonymous_id;
    int64_t timestamp_ms;      // valid when has_timestamp != 0
    uint32_t has_timestamp;
    uint32_t properties_begin; // index into the property array
    uint32_t properties_count;
} ci_event;

typedef struct ci_parser ci_parser;

/// Result of a parse. On failure `ok == 0`, and `error_index` (-1 when not inside an event),
/// `error_field` (e.g. "timestamp", "properties.plan", "events", "body") and `error_message`
/// point at NUL-terminated text owned by the parser, valid until the next parse.
typedef struct {
    int ok;
    int is_batch;              // body was {"events": [...]}
    const ci_event *events;
    size_t event_count;
    const ci_property *properties;
    size_t property_count;
    const uint8_t *arena;
    size_t arena_size;
    long error_index;
    const char *error_field;
    const char *error_message;
} ci_result;

ci_parser *ci_parser_create(void);
void ci_parser_destroy(ci_parser *parser);

/// Parses `length` bytes at `body`. At most `max_events` events are accepted in a batch (more is
/// an error on field "events"). The result's pointers stay valid until the next call with the same
/// parser. Never throws, never aborts: every malformed input gives ok == 0 with a message.
///
/// Details of the implementation (CIngest.cpp):
/// - The body is copied into a padded buffer owned by the parser; `body` is only read.
/// - Field errors inside a batch carry the event's index; in a single-event body they carry -1
///   (there is no batch position). Syntax errors anywhere are reported on "body" with index -1.
/// - A body with "events" must not also hold event fields (error on "body"); other keys next to
///   "events" are ignored, as are unknown keys inside events (their values are still validated,
///   up to 64 levels of nesting).
/// - Limits: string fields 1024 bytes, property keys 256 bytes, property values 4096 bytes (all
///   measured unescaped), 64 keys per properties object (null-valued keys count too); bodies of
///   4 GiB or more are rejected.
/// - A missing event_type is not an error here (validation happens later).
ci_result ci_parse(ci_parser *parser, const uint8_t *body, size_t length, size_t max_events);

/// Parses an ISO-8601 timestamp ("2026-10-02T13:45:12.345Z", "...+02:00", "2026-10-02T13:45:12Z",
/// "2026-10-02") into epoch milliseconds. Returns 1 on success, 0 on malformed text.
int ci_parse_iso8601(const char *text, size_t length, int64_t *out_ms);

/// The SDK bodies `ci_sdk_translate` reads: Segment's `/v1/batch` and single track, page and
/// screen calls, and PostHog's `{"api_key", "batch": [...]}`.
enum {
    CI_SDK_SEGMENT_BATCH = 1,
    CI_SDK_SEGMENT_TRACK = 2,
    CI_SDK_SEGMENT_PAGE = 3,
    CI_SDK_SEGMENT_SCREEN = 4,
    CI_SDK_POSTHOG = 10,
};

typedef struct ci_sdk_parser ci_sdk_parser;

/// What `ci_sdk_translate` made of a body. `taken == 0`: the body holds something only the general
/// path (HTTPFront/SDKIngest) translates, or is not valid; nothing else is set. `taken == 1`: one
/// event per message, as the general path would make it, with `message_hashes[i]` the hash of
/// event i's namespaced message id as `MessageIDs.hash` makes it (0 when it has none) and `key`
/// the key the body carries (writeKey, api_key or token; CI_ABSENT when none). Pointers stay
/// valid until the next call.
typedef struct {
    int taken;
    const ci_event *events;
    size_t event_count;
    const ci_property *properties;
    size_t property_count;
    const uint64_t *message_hashes;
    ci_span key;
    const uint8_t *arena;
    size_t arena_size;
} ci_sdk_result;

ci_sdk_parser *ci_sdk_parser_create(void);
void ci_sdk_parser_destroy(ci_sdk_parser *parser);

/// Translates the common messages of an SDK body (SDKTranslate.cpp): Segment track, page and
/// screen calls of one id, PostHog events that set, merge and identify nothing. Never throws.
ci_sdk_result ci_sdk_translate(ci_sdk_parser *parser, int dialect, const uint8_t *body, size_t length, size_t max_events);

/// A hint that `address` is about to be read and written: scans that touch per-user state in
/// event order issue it a few rows ahead, so the cache misses overlap.
static inline void ci_prefetch(const void *address) { __builtin_prefetch(address, 1, 3); }

#ifdef __cplusplus
}
#endif

#endif
