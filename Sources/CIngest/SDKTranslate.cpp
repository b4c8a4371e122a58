// The common messages of Segment and PostHog batches translated straight into Beacon's event
// records (see include/CIngest.h, ci_sdk_translate). Only messages whose translation is plain
// (track, page and screen calls; PostHog events that set nothing) are taken here; a body holding
// anything else, or anything this code is not sure to read exactly as the general path in Swift
// does (HTTPFront/SDKIngest), is declined as a whole and goes that way instead. Declining is never
// an error: the general path reads the body again and gives the answer, refusals included.
#if !defined(CI_SIMDJSON_ASSERTS) && !defined(NDEBUG)
#define NDEBUG 1
#endif
#ifndef SIMDJSON_DEVELOPMENT_CHECKS
#define SIMDJSON_DEVELOPMENT_CHECKS 0
#endif
#include <simdjson.h>

#include "CIngest.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace dom = simdjson::dom;
using simdjson::SUCCESS;

namespace {

constexpr size_t kMaxField = 1024;     // user, account, page, event name, property value (IngestLimits.maxFieldBytes)
constexpr size_t kMaxKey = 256;        // property names
constexpr size_t kMaxProperties = 64;  // per event
constexpr size_t kMaxID = 200;         // message ids (the namespaced id must stay within 255 bytes)
constexpr int64_t kEarliestMs = 946684800000LL;   // 2000-01-01 (SupportedTime)
constexpr int64_t kLatestMs = 4102444800000LL;    // 2100-01-01

struct Declined {};

struct Property {
    std::string_view key;
    std::string value;  // owned: numbers are formatted here
    uint32_t kind;
};

}  // namespace

struct ci_sdk_parser {
    // Shallower than the general path's limit (64), so what it refuses is never taken here.
    dom::parser json;
    ci_sdk_parser() { json.allocate(1 << 16, 60); }
    std::vector<uint8_t> arena;
    std::vector<ci_event> events;
    std::vector<ci_property> properties;
    std::vector<uint64_t> ids;
    std::string_view id_namespace;
    ci_span key{CI_ABSENT, 0};

    ci_span put(std::string_view text) {
        ci_span span{static_cast<uint32_t>(arena.size()), static_cast<uint32_t>(text.size())};
        arena.insert(arena.end(), text.begin(), text.end());
        return span;
    }

    // Two pieces, contiguous in the arena: one span.
    ci_span put(std::string_view first, std::string_view second) {
        ci_span span = put(first);
        span.length += put(second).length;
        return span;
    }

    static std::string_view field(std::string_view text) {
        if (text.size() > kMaxField) throw Declined{};
        return text;
    }

    // A string member, or nothing when absent or null; any other type declines.
    static bool text(dom::object object, std::string_view name, std::string_view &out) {
        dom::element value;
        if (object.at_key(name).get(value) != SUCCESS || value.is_null()) return false;
        if (value.get_string().get(out) != SUCCESS) throw Declined{};
        return !out.empty();
    }

    static bool member_object(dom::object object, std::string_view name, dom::object &out) {
        dom::element value;
        if (object.at_key(name).get(value) != SUCCESS || value.is_null()) return false;
        if (value.get_object().get(out) != SUCCESS) throw Declined{};
        return true;
    }

    // A property value as the general path writes it: strings as they are, booleans as
    // true/false, integers in decimal; null and nested values are left out (false). Fractions
    // decline, since Swift's text of a Double is not the JSON token.
    static bool scalar(dom::element value, std::string &out, uint32_t &kind) {
        switch (value.type()) {
        case dom::element_type::STRING: {
            std::string_view s;
            value.get_string().get(s);
            out.assign(s.data(), s.size());
            kind = CI_VALUE_STRING;
            return true;
        }
        case dom::element_type::BOOL: {
            bool b = false;
            value.get_bool().get(b);
            out = b ? "true" : "false";
            kind = CI_VALUE_BOOL;
            return true;
        }
        case dom::element_type::INT64: {
            int64_t n = 0;
            value.get_int64().get(n);
            // The general path reads integers beyond ±9e18 as Doubles.
            if (n > 9000000000000000000LL || n < -9000000000000000000LL) throw Declined{};
            char buffer[24];
            auto end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
            out.assign(buffer, end);
            kind = CI_VALUE_NUMBER;
            return true;
        }
        case dom::element_type::NULL_VALUE:
        case dom::element_type::ARRAY:
        case dom::element_type::OBJECT:
            return false;
        default:
            throw Declined{};
        }
    }

    // The scalar members of `object` in name order (the first of a repeated name), less `skip`.
    template <typename Skip> static std::vector<Property> scalars(dom::object object, Skip skip) {
        std::vector<Property> out;
        for (auto member : object) {
            std::string_view key = member.key;
            if (skip(key)) continue;
            if (std::any_of(out.begin(), out.end(), [&](const Property &p) { return p.key == key; })) continue;
            Property p{key, {}, 0};
            if (!scalar(member.value, p.value, p.kind)) continue;
            if (key.empty() || key.size() > kMaxKey || p.value.size() > kMaxField) throw Declined{};
            out.push_back(std::move(p));
        }
        std::sort(out.begin(), out.end(), [](const Property &a, const Property &b) { return a.key < b.key; });
        return out;
    }

    static void append_absent(std::vector<Property> &properties, std::string_view key, std::string_view value) {
        if (std::any_of(properties.begin(), properties.end(), [&](const Property &p) { return p.key == key; })) return;
        if (value.size() > kMaxField) throw Declined{};
        properties.push_back({key, std::string(value), CI_VALUE_STRING});
    }

    // ISO-8601 text within the span Beacon keeps; anything else (epoch numbers, digits only,
    // malformed text, out of range) declines, and the general path answers it.
    static bool time(dom::object object, std::string_view name, int64_t &ms) {
        std::string_view s;
        dom::element value;
        if (object.at_key(name).get(value) != SUCCESS || value.is_null()) return false;
        if (value.get_string().get(s) != SUCCESS) throw Declined{};
        if (s.empty() || std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; })) throw Declined{};
        if (!ci_parse_iso8601(s.data(), s.size(), &ms)) throw Declined{};
        if (ms < kEarliestMs || ms > kLatestMs) throw Declined{};
        return true;
    }

    // The path of a URL ("https://x.io/a/b?c" -> "/a/b"), text that is not one as it is; URLs
    // that Foundation's URLComponents might read otherwise (escapes, user info, odd bytes) decline.
    static std::string page_path(std::string_view url) {
        size_t scheme = url.find("://");
        if (url.size() >= 2 && url[0] == '/' && url[1] == '/') throw Declined{};  // a host without a scheme
        if (scheme == std::string_view::npos) return std::string(url);
        if (scheme == 0) throw Declined{};
        for (size_t i = 0; i < scheme; ++i) {
            char c = url[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) throw Declined{};
        }
        for (unsigned char c : url) {
            if (c <= 0x20 || c >= 0x7F || c == '%' || c == '@' || c == '\\' || c == '"' || c == '<' || c == '>' || c == '^' ||
                c == '`' || c == '{' || c == '|' || c == '}' || c == '[' || c == ']')
                throw Declined{};
        }
        size_t host = scheme + 3;
        size_t end = url.find_first_of("?#", host);
        std::string_view before = url.substr(0, end);
        size_t slash = before.find('/', host);
        if (slash == host || before.size() == host) throw Declined{};  // no host
        if (slash == std::string_view::npos) return "/";
        return std::string(before.substr(slash));
    }

    void emit(std::string_view type, ci_span user, std::string_view account, bool has_account, std::string_view page, bool has_page,
              bool has_time, int64_t ms, std::vector<Property> &props, std::string_view id, bool has_id) {
        if (props.size() > kMaxProperties) throw Declined{};
        ci_event event;
        std::memset(&event, 0, sizeof event);
        event.event_type = put(field(type));
        event.user = user;
        event.account = has_account ? put(field(account)) : ci_span{CI_ABSENT, 0};
        event.page = has_page ? put(field(page)) : ci_span{CI_ABSENT, 0};
        event.external_id = ci_span{CI_ABSENT, 0};
        event.anonymous_id = ci_span{CI_ABSENT, 0};
        event.has_timestamp = has_time ? 1 : 0;
        event.timestamp_ms = has_time ? ms : 0;
        event.properties_begin = static_cast<uint32_t>(properties.size());
        event.properties_count = static_cast<uint32_t>(props.size());
        for (auto &p : props) properties.push_back(ci_property{put(p.key), put(p.value), p.kind});
        events.push_back(event);
        if (has_id && id.size() > kMaxID) throw Declined{};
        ids.push_back(has_id ? message_hash(id) : 0);
    }

    // MessageIDs.hash of the namespaced id: FNV-1a, then SplitMix64's finalizer; never 0.
    uint64_t message_hash(std::string_view id) const {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (unsigned char c : id_namespace) h = (h ^ c) * 0x100000001b3ULL;
        for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
        h ^= h >> 31;
        return h == 0 ? 1 : h;
    }

    // ---- Segment: track, page and screen calls of a user, or of an anonymous visitor alone.

    void segment(dom::object m, std::string_view type) {
        std::string_view user_id, anonymous_id, message_id, account, s;
        bool has_user = text(m, "userId", user_id);
        bool has_anonymous = text(m, "anonymousId", anonymous_id);
        if (has_user == has_anonymous) throw Declined{};  // both: a merge; neither: a refusal
        bool has_id = text(m, "messageId", message_id);
        int64_t ms = 0;
        bool has_time = time(m, "timestamp", ms) || time(m, "originalTimestamp", ms);
        dom::object context;
        bool has_context = member_object(m, "context", context);
        bool has_account = has_context && text(context, "groupId", account);
        std::string page;
        bool has_page = false;
        dom::object context_page;
        if (has_context && member_object(context, "page", context_page) && text(context_page, "path", s)) { page = std::string(field(s)); has_page = true; }
        dom::object props_object;
        bool has_props = member_object(m, "properties", props_object);
        std::vector<Property> props = has_props ? scalars(props_object, [](std::string_view) { return false; }) : std::vector<Property>{};
        if (has_context) {
            dom::object o;
            if (member_object(context, "location", o) && text(o, "country", s)) append_absent(props, "country", s);
            if (member_object(context, "os", o) && text(o, "name", s)) append_absent(props, "os", s);
            if (member_object(context, "device", o) && text(o, "type", s)) append_absent(props, "device_type", s);
            if (member_object(context, "library", o) && text(o, "name", s)) append_absent(props, "library", s);
        }
        std::string_view name;
        std::string event_type;
        if (type == "track") {
            std::string_view e;
            if (!text(m, "event", e)) throw Declined{};
            event_type = std::string(e);
        } else if (type == "page") {
            event_type = "page_view";
            std::string_view url;
            bool has_name = text(m, "name", name);
            if ((has_props && (text(props_object, "path", url) || text(props_object, "url", url)))) {
                page = page_path(field(url));
            } else if (has_page) {
                page = page_path(page);
            } else if (has_name) {
                page = page_path(field(name));
            } else {
                throw Declined{};
            }
            has_page = true;
            if (has_name) append_absent(props, "name", name);
            std::string_view category;
            if (text(m, "category", category)) append_absent(props, "category", category);
        } else if (type == "screen") {
            event_type = "screen_view";
            if (!text(m, "name", name) && !(has_props && text(props_object, "name", name))) throw Declined{};
            page = std::string(field(name));
            has_page = true;
        } else {
            throw Declined{};
        }
        ci_span user = has_user ? put(field(user_id)) : put("anon-", field(anonymous_id));
        emit(event_type, user, account, has_account, page, has_page, has_time, ms, props, message_id, has_id);
    }

    // ---- PostHog: events that set nothing, merge nothing and name no group.

    static bool posthog_control(std::string_view key) {
        return key == "$set" || key == "$set_once" || key == "$unset" || key == "$groups" || key == "$group_set" || key == "$group_type" ||
               key == "$group_key" || key == "$anon_distinct_id" || key == "token" || key == "distinct_id" || key == "alias";
    }

    void posthog(dom::object e) {
        std::string_view name, distinct_id, uuid, s;
        if (!text(e, "event", name)) throw Declined{};
        if (!name.empty() && name[0] == '$' && name != "$pageview" && name != "$screen") throw Declined{};
        dom::element ignored;
        if (e.at_key("$set").get(ignored) == SUCCESS) throw Declined{};
        if (!text(e, "distinct_id", distinct_id)) throw Declined{};
        bool has_id = text(e, "uuid", uuid);
        int64_t ms = 0;
        bool has_time = time(e, "timestamp", ms);
        dom::object props_object;
        bool has_props = member_object(e, "properties", props_object);
        std::vector<Property> props;
        std::string account;
        bool has_account = false;
        std::string page;
        bool has_page = false;
        std::string event_type(name);
        if (has_props) {
            if (props_object.at_key("$set").get(ignored) == SUCCESS) throw Declined{};
            props = scalars(props_object, posthog_control);
            dom::object groups;
            if (member_object(props_object, "$groups", groups)) {
                // The first group type in name order that has a value.
                std::vector<std::pair<std::string_view, dom::element>> members;
                for (auto member : groups) members.emplace_back(member.key, member.value);
                std::sort(members.begin(), members.end(), [](auto &a, auto &b) { return a.first < b.first; });
                for (auto &[key, value] : members) {
                    if (value.is_array() || value.is_object()) throw Declined{};
                    std::string text_value;
                    uint32_t kind;
                    if (!scalar(value, text_value, kind) || text_value.empty()) continue;
                    account = text_value;
                    has_account = true;
                    break;
                }
            }
        }
        std::string_view url;
        if (name == "$pageview") {
            event_type = "page_view";
            if (!has_props || !(text(props_object, "$pathname", url) || text(props_object, "$current_url", url))) throw Declined{};
            page = page_path(field(url));
            has_page = true;
        } else if (name == "$screen") {
            event_type = "screen_view";
            if (!has_props || !text(props_object, "$screen_name", url)) throw Declined{};
            page = std::string(field(url));
            has_page = true;
        } else if (has_props && (text(props_object, "$current_url", url) || text(props_object, "$pathname", url))) {
            page = page_path(field(url));
            has_page = true;
        }
        if (has_props) {
            static const std::pair<std::string_view, std::string_view> dimensions[] = {
                {"$os", "os"}, {"$browser", "browser"}, {"$device_type", "device_type"}, {"$geoip_country_code", "country"}};
            for (auto &[from, to] : dimensions)
                if (text(props_object, from, s)) append_absent(props, to, s);
        }
        emit(event_type, put(field(distinct_id)), account, has_account, page, has_page, has_time, ms, props, uuid, has_id);
    }

    bool translate(int dialect, const uint8_t *body, size_t length, size_t max_events) {
        events.clear();
        properties.clear();
        ids.clear();
        arena.clear();
        key = ci_span{CI_ABSENT, 0};
        id_namespace = dialect == CI_SDK_POSTHOG ? "posthog:" : "segment:";
        arena.reserve(length + 256);
        dom::element root;
        if (json.parse(body, length).get(root) != SUCCESS) return false;
        dom::object object;
        dom::array list;
        std::string_view key_text;
        if (dialect == CI_SDK_POSTHOG) {
            if (root.get_object().get(object) == SUCCESS) {
                if (text(object, "api_key", key_text) || text(object, "token", key_text)) key = put(key_text);
                dom::element batch;
                if (object.at_key("batch").get(batch) != SUCCESS || batch.get_array().get(list) != SUCCESS) return false;
            } else {
                return false;  // an array of events carries its key inside: the general path finds it
            }
            if (list.size() == 0 || list.size() > max_events) return false;
            for (dom::element item : list) {
                dom::object e;
                if (item.get_object().get(e) != SUCCESS) return false;
                posthog(e);
            }
            return true;
        }
        if (root.get_object().get(object) != SUCCESS) return false;
        if (text(object, "writeKey", key_text)) key = put(key_text);
        if (dialect == CI_SDK_SEGMENT_BATCH) {
            dom::element batch;
            if (object.at_key("batch").get(batch) != SUCCESS || batch.get_array().get(list) != SUCCESS) return false;
            if (list.size() == 0 || list.size() > max_events) return false;
            for (dom::element item : list) {
                dom::object m;
                std::string_view type;
                if (item.get_object().get(m) != SUCCESS || !text(m, "type", type)) return false;
                segment(m, type);
            }
            return true;
        }
        static const std::string_view calls[] = {"track", "page", "screen"};
        int call = dialect - CI_SDK_SEGMENT_TRACK;
        if (call < 0 || call > 2) return false;
        segment(object, calls[call]);
        return true;
    }
};

extern "C" {

ci_sdk_parser *ci_sdk_parser_create(void) {
    try {
        return new ci_sdk_parser();
    } catch (...) {
        return nullptr;
    }
}

void ci_sdk_parser_destroy(ci_sdk_parser *parser) { delete parser; }

ci_sdk_result ci_sdk_translate(ci_sdk_parser *parser, int dialect, const uint8_t *body, size_t length, size_t max_events) {
    ci_sdk_result r;
    std::memset(&r, 0, sizeof r);
    if (parser == nullptr) return r;
    bool taken = false;
    try {
        taken = parser->translate(dialect, body, length, max_events);
    } catch (...) {  // Declined, or out of memory: the general path answers
        taken = false;
    }
    if (!taken) return r;
    r.taken = 1;
    r.events = parser->events.data();
    r.event_count = parser->events.size();
    r.properties = parser->properties.data();
    r.property_count = parser->properties.size();
    r.message_hashes = parser->ids.data();
    r.key = parser->key;
    r.arena = parser->arena.data();
    r.arena_size = parser->arena.size();
    return r;
}

}  // extern "C"
