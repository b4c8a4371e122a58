// libFuzzer target for the ingest parser (CIngest) and the SDK fast path (ci_sdk_translate): any
// byte string must parse or be refused with a message (or be declined, for the fast path), never crash, and every span and index a successful parse hands to Swift must
// lie inside the parser's arena and arrays. Built with AddressSanitizer by `make fuzz`.
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include "CIngest.h"

static void require(bool condition) {
    if (!condition) __builtin_trap();
}

static void check_span(ci_span span, size_t arena_size) {
    if (span.offset == CI_ABSENT) return;
    require(static_cast<uint64_t>(span.offset) + span.length <= arena_size);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static ci_parser *parser = ci_parser_create();
    ci_result result = ci_parse(parser, data, size, 1000);
    if (result.ok) {
        require(result.event_count <= 1000);
        for (size_t i = 0; i < result.event_count; ++i) {
            const ci_event &event = result.events[i];
            for (ci_span span : {event.event_type, event.user, event.account, event.page, event.external_id, event.anonymous_id})
                check_span(span, result.arena_size);
            require(static_cast<uint64_t>(event.properties_begin) + event.properties_count <= result.property_count);
        }
        for (size_t i = 0; i < result.property_count; ++i) {
            check_span(result.properties[i].key, result.arena_size);
            check_span(result.properties[i].value, result.arena_size);
            require(result.properties[i].kind <= CI_VALUE_BOOL);
        }
    } else {
        require(result.error_field != nullptr && result.error_message != nullptr);
        require(std::strlen(result.error_message) > 0);
    }
    static ci_sdk_parser *sdk = ci_sdk_parser_create();
    for (int dialect : {CI_SDK_SEGMENT_BATCH, CI_SDK_SEGMENT_TRACK, CI_SDK_SEGMENT_PAGE, CI_SDK_SEGMENT_SCREEN, CI_SDK_POSTHOG}) {
        ci_sdk_result taken = ci_sdk_translate(sdk, dialect, data, size, 1000);
        if (!taken.taken) continue;
        require(taken.event_count > 0 && taken.event_count <= 1000);
        check_span(taken.key, taken.arena_size);
        for (size_t i = 0; i < taken.event_count; ++i) {
            const ci_event &event = taken.events[i];
            for (ci_span span : {event.event_type, event.user, event.account, event.page})
                check_span(span, taken.arena_size);
            require(event.user.offset != CI_ABSENT && event.event_type.length > 0);
            require(static_cast<uint64_t>(event.properties_begin) + event.properties_count <= taken.property_count);
        }
        for (size_t i = 0; i < taken.property_count; ++i) {
            check_span(taken.properties[i].key, taken.arena_size);
            check_span(taken.properties[i].value, taken.arena_size);
        }
    }
    int64_t ms = 0;
    (void)ci_parse_iso8601(reinterpret_cast<const char *>(data), size, &ms);
    return 0;
}
