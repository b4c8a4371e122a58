// Ingest body parser over simdjson 3.x On Demand. See include/CIngest.h for the contract.
//
// Design notes:
// - The caller's bytes are copied into a reusable buffer with SIMDJSON_PADDING zeroed bytes after
//   them, so simdjson never reads past memory we own, and the first padding byte is never '}'/']'.
// - Stage 1 (structural indexing, UTF-8 validation, unclosed-string and control-character checks)
//   runs on the whole body through simdjson's runtime-dispatched kernel. The On Demand walk then
//   visits every value: unknown keys are validated (bounded depth), not blindly skipped, so
//   malformed JSON anywhere in the body is reported.
// - Strings without backslashes are copied straight from the input into the arena (their bytes
//   were validated by stage 1); strings with escapes go through simdjson's unescaper.
// - Every string/number/bool that lands in the arena is at most as long as its JSON token, so the
//   arena never needs more than `length` bytes; it is sized once per call.
// - No exceptions escape: simdjson is used through error codes and the entry point catches
//   everything (std::bad_alloc from the vectors).

// simdjson's internal invariant checks (SIMDJSON_ASSUME) compile to out-of-line assert() calls
// unless NDEBUG is set, and SwiftPM sets no NDEBUG even for release builds; they cost ~20% of the
// parse. Build with -DCI_SIMDJSON_ASSERTS to keep them (e.g. when fuzzing).
#if !defined(CI_SIMDJSON_ASSERTS) && !defined(NDEBUG)
#define NDEBUG 1
#endif
#ifndef SIMDJSON_DEVELOPMENT_CHECKS
// Same behaviour in debug (-O0) and release builds; the checks only assert API misuse.
#define SIMDJSON_DEVELOPMENT_CHECKS 0
#endif
#include <simdjson.h>

#include "CIngest.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>

namespace ondemand = simdjson::ondemand;

#if defined(__GNUC__) || defined(__clang__)
#define CI_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define CI_ALWAYS_INLINE inline
#endif
static_assert(simdjson::SIMDJSON_PADDING >= 64, "put() relies on 64 bytes of padding");
using simdjson::error_code;
using simdjson::SUCCESS;

namespace {

constexpr size_t kMaxStringField = 1024;
constexpr size_t kMaxPropertyKey = 256;
constexpr size_t kMaxPropertyValue = 4096;
constexpr size_t kMaxProperties = 64;
constexpr int kMaxSkipDepth = 64;           // nesting allowed inside ignored (unknown) values
constexpr size_t kMaxBody = 0xFFFFFF00u;    // spans are 32-bit offsets
constexpr size_t kShrinkAbove = 16u << 20;  // give memory back after a huge body

enum FieldId : int {
    F_UNKNOWN = -1,
    F_EVENT_TYPE = 0,
    F_USER,
    F_ACCOUNT,
    F_PAGE,
    F_EXTERNAL,
    F_ANON,
    F_TIMESTAMP,
    F_PROPERTIES,
    F_EVENTS,  // only meaningful at the top level of the body
};

const char *const kFieldNames[] = {
    "event_type", "user_email", "account_id", "page_url", "external_id",
    "anonymous_id", "timestamp", "properties", "events",
};

inline bool eq(const char *k, const char *lit, size_t n) { return std::memcmp(k, lit, n) == 0; }

inline int match_key(const char *k, size_t n) noexcept {
    switch (n) {
    case 4: if (eq(k, "page", 4)) return F_PAGE; break;
    case 5: if (eq(k, "event", 5)) return F_EVENT_TYPE; break;
    case 6: if (eq(k, "events", 6)) return F_EVENTS; break;
    case 7: if (eq(k, "user_id", 7)) return F_USER; break;
    case 8: if (eq(k, "page_url", 8)) return F_PAGE; break;
    case 9: if (eq(k, "timestamp", 9)) return F_TIMESTAMP; break;
    case 10:
        if (eq(k, "event_type", 10)) return F_EVENT_TYPE;
        if (eq(k, "user_email", 10)) return F_USER;
        if (eq(k, "account_id", 10)) return F_ACCOUNT;
        if (eq(k, "properties", 10)) return F_PROPERTIES;
        break;
    case 11: if (eq(k, "external_id", 11)) return F_EXTERNAL; break;
    case 12: if (eq(k, "anonymous_id", 12)) return F_ANON; break;
    default: break;
    }
    return F_UNKNOWN;
}

// Kind of the JSON value whose token starts with c (as On Demand's type() decides it).
enum ValueKind { K_STRING, K_NUMBER, K_BOOL, K_NULL, K_OBJECT, K_ARRAY, K_BAD };

CI_ALWAYS_INLINE ValueKind kind_of(char c) noexcept {
    switch (c) {
    case '"': return K_STRING;
    case 't': case 'f': return K_BOOL;
    case 'n': return K_NULL;
    case '{': return K_OBJECT;
    case '[': return K_ARRAY;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return K_NUMBER;
    default: return K_BAD;
    }
}

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view trim_right(std::string_view t) {
    size_t n = t.size();
    while (n > 0 && is_ws(t[n - 1])) --n;
    return t.substr(0, n);
}

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool valid_json_number(std::string_view t) {
    size_t i = 0, n = t.size();
    auto digit = [&](size_t j) { return j < n && t[j] >= '0' && t[j] <= '9'; };
    if (i < n && t[i] == '-') ++i;
    if (!digit(i)) return false;
    if (t[i] == '0') ++i;
    else while (digit(i)) ++i;
    if (i < n && t[i] == '.') {
        ++i;
        if (!digit(i)) return false;
        while (digit(i)) ++i;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
        if (!digit(i)) return false;
        while (digit(i)) ++i;
    }
    return i == n;
}

// Truncates at a UTF-8 character boundary so error texts stay valid UTF-8.
std::string_view utf8_prefix(std::string_view s, size_t max) {
    if (s.size() <= max) return s;
    size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n);
}

// First '"' or '\\' at or after p. The caller guarantees one exists before the end of the
// padded input (stage 1 rejects unclosed strings), and reads of up to 7 bytes past it stay inside
// the padding. 8 bytes at a time (SWAR) on little-endian targets.
inline const char *find_quote_or_backslash(const char *p) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    constexpr uint64_t quotes = ones * '"', slashes = ones * '\\';
    for (;; p += 8) {
        uint64_t x;
        std::memcpy(&x, p, 8);
        uint64_t a = x ^ quotes, b = x ^ slashes;
        uint64_t m = ((a - ones) & ~a & highs) | ((b - ones) & ~b & highs);
        if (m) return p + (__builtin_ctzll(m) >> 3);
    }
#else
    while (*p != '"' && *p != '\\') ++p;
    return p;
#endif
}

// Matches a raw (still quoted) object key against the known event fields. `p` points just after
// the opening quote; the comparison includes the closing quote, so a match is exact (a quote
// preceded by a letter cannot be escaped). Returns F_UNKNOWN when the key is not one of them
// *verbatim*; callers then look at the unescaped key.
#define CI_KEY(lit) (std::memcmp(p, lit "\"", sizeof(lit)) == 0)
inline int match_raw_key(const char *p) noexcept {
    switch (p[0]) {
    case 'e':
        if (CI_KEY("event")) return F_EVENT_TYPE;
        if (CI_KEY("event_type")) return F_EVENT_TYPE;
        if (CI_KEY("events")) return F_EVENTS;
        if (CI_KEY("external_id")) return F_EXTERNAL;
        break;
    case 'u':
        if (CI_KEY("user_id")) return F_USER;
        if (CI_KEY("user_email")) return F_USER;
        break;
    case 'a':
        if (CI_KEY("account_id")) return F_ACCOUNT;
        if (CI_KEY("anonymous_id")) return F_ANON;
        break;
    case 'p':
        if (CI_KEY("page")) return F_PAGE;
        if (CI_KEY("page_url")) return F_PAGE;
        if (CI_KEY("properties")) return F_PROPERTIES;
        break;
    case 't':
        if (CI_KEY("timestamp")) return F_TIMESTAMP;
        break;
    default:
        break;
    }
    return F_UNKNOWN;
}
#undef CI_KEY

// ---------------------------------------------------------------------------------------------
// ISO-8601

CI_ALWAYS_INLINE int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
    // Howard Hinnant's algorithm (proleptic Gregorian calendar).
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;       // [0, 365]
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                // [0, 146096]
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

inline bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int days_in_month(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

inline bool digits(const char *p, size_t n, int &out) {
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        unsigned c = static_cast<unsigned char>(p[i]) - '0';
        if (c > 9) return false;
        v = v * 10 + static_cast<int>(c);
    }
    out = v;
    return true;
}

bool parse_iso8601(const char *s, size_t n, int64_t *out) noexcept {
    if (s == nullptr || n < 10) return false;
    if (n == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
        s[19] == '.' && s[23] == 'Z') {
        // Fast path for the common "YYYY-MM-DDTHH:MM:SS.mmmZ".
        static constexpr uint8_t at[17] = {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22};
        unsigned d[17];
        unsigned bad = 0;
        for (int k = 0; k < 17; ++k) {
            d[k] = static_cast<unsigned>(static_cast<unsigned char>(s[at[k]])) - '0';
            bad |= d[k] > 9 ? 1u : 0u;
        }
        if (bad) return false;
        const int year = static_cast<int>(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]);
        const int month = static_cast<int>(d[4] * 10 + d[5]), day = static_cast<int>(d[6] * 10 + d[7]);
        const int hh = static_cast<int>(d[8] * 10 + d[9]), mm = static_cast<int>(d[10] * 10 + d[11]);
        const int ss = static_cast<int>(d[12] * 10 + d[13]);
        if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hh > 23 || mm > 59 || ss > 60)
            return false;
        const int64_t secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                             hh * 3600 + mm * 60 + ss;
        *out = secs * 1000 + static_cast<int64_t>(d[14] * 100 + d[15] * 10 + d[16]);
        return true;
    }
    int year, month, day;
    if (!digits(s, 4, year) || s[4] != '-' || !digits(s + 5, 2, month) || s[7] != '-' ||
        !digits(s + 8, 2, day))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
    int64_t secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
    int64_t ms = 0;
    size_t i = 10;
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
        ++i;
        int hh, mm, ss;
        if (n - i < 8 || !digits(s + i, 2, hh) || s[i + 2] != ':' || !digits(s + i + 3, 2, mm) ||
            s[i + 5] != ':' || !digits(s + i + 6, 2, ss))
            return false;
        if (hh > 23 || mm > 59 || ss > 60) return false;
        secs += hh * 3600 + mm * 60 + ss;
        i += 8;
        if (i < n && s[i] == '.') {
            ++i;
            size_t start = i;
            int frac_ms = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9') {
                if (i - start < 3) frac_ms = frac_ms * 10 + (s[i] - '0');
                ++i;
            }
            size_t nd = i - start;
            if (nd == 0 || nd > 9) return false;
            for (size_t k = nd; k < 3; ++k) frac_ms *= 10;
            ms = frac_ms;
        }
        if (i < n) {
            char c = s[i];
            if (c == 'Z' || c == 'z') {
                ++i;
            } else if (c == '+' || c == '-') {
                ++i;
                int oh, om;
                if (n - i == 5 && s[i + 2] == ':') {
                    if (!digits(s + i, 2, oh) || !digits(s + i + 3, 2, om)) return false;
                    i += 5;
                } else if (n - i == 4) {
                    if (!digits(s + i, 2, oh) || !digits(s + i + 2, 2, om)) return false;
                    i += 4;
                } else {
                    return false;
                }
                if (oh > 23 || om > 59) return false;
                int64_t off = oh * 3600 + om * 60;
                secs -= (c == '+') ? off : -off;
            } else {
                return false;
            }
        }
        if (i != n) return false;
    }
    *out = secs * 1000 + ms;
    return true;
}

} // namespace

// -------------------------------------------------------------------------------------------------
// Parser

struct ci_parser {
    ondemand::parser json;
    std::unique_ptr<uint8_t[]> input;  // body copy + SIMDJSON_PADDING
    size_t input_capacity = 0;          // usable bytes before the padding
    std::unique_ptr<uint8_t[]> arena;
    size_t arena_capacity = 0;
    size_t arena_size = 0;
    std::string error_field;
    std::string error_message;
    long error_index = -1;

    // ---- errors (always return false so callers can `return fail...`)

    bool fail(long index, std::string_view field, std::string_view message) {
        error_index = index;
        error_field.assign(field.data(), field.size());
        error_message.assign(message.data(), message.size());
        return false;
    }

    bool fail_json(error_code e) {
        error_index = -1;
        error_field = "body";
        error_message = "invalid JSON: ";
        error_message += simdjson::error_message(e);
        return false;
    }

    bool fail_json(const char *what) {
        error_index = -1;
        error_field = "body";
        error_message = "invalid JSON: ";
        error_message += what;
        return false;
    }

    bool fail_property(long index, std::string_view key, std::string_view message) {
        std::string f = "properties.";
        std::string_view shown = utf8_prefix(key, 128);
        f.append(shown.data(), shown.size());
        if (shown.size() < key.size()) f += "...";
        return fail(index, f, message);
    }

    // ---- arena

    static constexpr size_t kArenaSlack = 64;  // lets short copies move 16/32 bytes at once

    void reserve_arena(size_t n) {
        n += kArenaSlack;
        if (n <= arena_capacity) return;
        size_t cap = arena_capacity ? arena_capacity : 4096;
        while (cap < n) cap *= 2;
        arena.reset(new uint8_t[cap]);
        arena_capacity = cap;
    }

    void grow_arena(size_t n) {
        size_t cap = arena_capacity * 2 + n + kArenaSlack;
        std::unique_ptr<uint8_t[]> bigger(new uint8_t[cap]);
        if (arena_size) std::memcpy(bigger.get(), arena.get(), arena_size);
        arena = std::move(bigger);
        arena_capacity = cap;
    }

    // Appends n bytes. When `padded` is true, p lies in the padded input copy, so at least
    // SIMDJSON_PADDING (64) readable bytes follow it and short strings are moved with fixed-size
    // copies (the arena keeps kArenaSlack spare bytes for the overshoot).
    CI_ALWAYS_INLINE ci_span put(const char *p, size_t n, bool padded = false) {
        // Every stored value is at most as long as its JSON token, so the arena (sized to the body
        // length) always has room; the check is defensive.
        if (__builtin_expect(n + kArenaSlack > arena_capacity - arena_size, 0)) grow_arena(n);
        uint8_t *dst = arena.get() + arena_size;
        if (padded && n <= 64) {
            if (n <= 16) std::memcpy(dst, p, 16);
            else if (n <= 32) std::memcpy(dst, p, 32);
            else std::memcpy(dst, p, 64);
        } else if (n) {
            std::memcpy(dst, p, n);
        }
        ci_span s{static_cast<uint32_t>(arena_size), static_cast<uint32_t>(n)};
        arena_size += n;
        return s;
    }

    // Growable arrays of trivially copyable records (no per-element overhead).
    template <typename T> struct Buffer {
        std::unique_ptr<T[]> data;
        size_t capacity = 0;
        size_t size = 0;
        inline void ensure(size_t extra) {
            if (__builtin_expect(size + extra > capacity, 0)) grow(size + extra);
        }
        void grow(size_t need) {
            size_t cap = capacity ? capacity * 2 : 256;
            while (cap < need) cap *= 2;
            std::unique_ptr<T[]> bigger(new T[cap]);
            if (size) std::memcpy(bigger.get(), data.get(), size * sizeof(T));
            data = std::move(bigger);
            capacity = cap;
        }
        CI_ALWAYS_INLINE void push(const T &v) {
            ensure(1);
            data[size++] = v;
        }
        void shrink_if_huge(size_t limit_bytes) {
            if (capacity * sizeof(T) > limit_bytes) {
                data.reset();
                capacity = 0;
            }
            size = 0;
        }
    };

    // ---- values

    // Reads a JSON string value (v must be of type string). Sets `out` to the unescaped contents,
    // which point either into the input buffer or into simdjson's string buffer (valid until the
    // next unescape). Returns false with a body error on malformed strings.
    CI_ALWAYS_INLINE bool read_string(ondemand::value &v, std::string_view &out, bool &in_input) {
        return read_string(v, v.raw_json_token(), out, in_input);
    }

    CI_ALWAYS_INLINE bool read_string(ondemand::value &v, std::string_view tok, std::string_view &out, bool &in_input) {
        const char *end = tok.data() + tok.size();
        if (tok.size() < 2 || tok[0] != '"') return fail_json("malformed string");
        const char *s = tok.data() + 1;
        const char *q = find_quote_or_backslash(s);
        if (__builtin_expect(*q == '"' && q < end, 1)) {
            // Fast path: no escapes; the first quote closes the string. Its bytes were validated
            // by stage 1 (UTF-8, no control characters).
            for (const char *r = q + 1; r < end; ++r)
                if (!is_ws(*r)) return fail_json("unexpected content after string");
            // Consume the value: On Demand's skipping of an unconsumed string is lenient (it would
            // take `"x": ...` for a key) and must never be relied on.
            ondemand::raw_json_string raw;
            if (v.get_raw_json_string().get(raw) != SUCCESS) return fail_json("malformed string");
            out = std::string_view(s, static_cast<size_t>(q - s));
            in_input = true;
            return true;
        }
        std::string_view u;
        error_code e = v.get_string().get(u);
        if (e) return fail_json(e);
        out = u;
        in_input = false;
        return true;
    }

    bool read_string(ondemand::value &v, std::string_view &out) {
        bool in_input;
        return read_string(v, out, in_input);
    }

    // Validates any JSON value without storing it (used for unknown keys).
    bool skip_value(ondemand::value &v, int depth) {
        ondemand::json_type t;
        error_code e = v.type().get(t);
        if (e) return fail_json(e);
        switch (t) {
        case ondemand::json_type::object: {
            if (depth >= kMaxSkipDepth) return fail("body", "nesting too deep");
            ondemand::object o;
            if ((e = v.get_object().get(o))) return fail_json(e);
            for (auto fr : o) {
                ondemand::field f;
                if ((e = std::move(fr).get(f))) return fail_json(e);
                std::string_view k;
                if (!key_of(f, k)) return false;
                if (!skip_value(f.value(), depth + 1)) return false;
            }
            return true;
        }
        case ondemand::json_type::array: {
            if (depth >= kMaxSkipDepth) return fail("body", "nesting too deep");
            ondemand::array a;
            if ((e = v.get_array().get(a))) return fail_json(e);
            for (auto er : a) {
                ondemand::value x;
                if ((e = er.get(x))) return fail_json(e);
                if (!skip_value(x, depth + 1)) return false;
            }
            return true;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            return read_string(v, s);
        }
        case ondemand::json_type::number:
            if (!valid_json_number(trim_right(v.raw_json_token()))) return fail_json("malformed number");
            return true;
        case ondemand::json_type::boolean: {
            bool b;
            return read_bool(v, b);
        }
        case ondemand::json_type::null:
            return expect_null(v);
        }
        return fail_json("unexpected value");
    }

    bool fail(const char *field, const char *message) { return fail(-1, field, message); }

    // Unescaped key of an object field (points into the input or simdjson's string buffer).
    inline bool key_of(ondemand::field &f, std::string_view &out) {
        const char *p = f.key().raw();
        const char *q = find_quote_or_backslash(p);  // stage 1 guarantees a closing quote
        if (__builtin_expect(*q == '"', 1)) {
            out = std::string_view(p, static_cast<size_t>(q - p));
            return true;
        }
        std::string_view u;
        error_code e = f.unescaped_key().get(u);
        if (e) return fail_json(e);
        out = u;
        return true;
    }

    bool expect_null(ondemand::value &v) {
        bool isnull = false;
        error_code e = v.is_null().get(isnull);
        if (e || !isnull) return fail_json("malformed literal (expected null)");
        return true;
    }

    bool read_bool(ondemand::value &v, bool &b) {
        if (v.get_bool().get(b) != SUCCESS) return fail_json("malformed literal (expected true or false)");
        return true;
    }

    bool string_field(ondemand::value &v, long index, int field, ci_span &out) {
        // Dispatch on the token's first byte (what On Demand's type() does, minus a call).
        std::string_view tok = v.raw_json_token();
        switch (kind_of(*tok.data())) {
        case K_STRING: break;
        case K_NULL:
            out = ci_span{CI_ABSENT, 0};
            return expect_null(v);
        case K_BAD: return fail_json("unexpected character");
        default: return fail(index, kFieldNames[field], "must be a string");
        }
        std::string_view s;
        bool in_input;
        if (!read_string(v, tok, s, in_input)) return false;
        if (s.size() > kMaxStringField) return fail(index, kFieldNames[field], "longer than 1024 bytes");
        out = put(s.data(), s.size(), in_input);
        return true;
    }

    bool timestamp_field(ondemand::value &v, long index, ci_event &ev) {
        std::string_view tok = v.raw_json_token();
        switch (kind_of(*tok.data())) {
        case K_NULL:
            ev.has_timestamp = 0;
            ev.timestamp_ms = 0;
            return expect_null(v);
        case K_STRING: {
            std::string_view s;
            bool in_input;
            if (!read_string(v, tok, s, in_input)) return false;
            int64_t ms;
            if (!parse_iso8601(s.data(), s.size(), &ms))
                return fail(index, "timestamp", "must be an ISO-8601 timestamp (e.g. 2026-10-02T13:45:12.345Z)");
            ev.timestamp_ms = ms;
            ev.has_timestamp = 1;
            return true;
        }
        case K_NUMBER: {
            int64_t ms;
            if (v.get_int64().get(ms) != SUCCESS) {
                if (!valid_json_number(trim_right(tok))) return fail_json("malformed number");
                return fail(index, "timestamp", "must be an integer number of epoch milliseconds");
            }
            ev.timestamp_ms = ms;
            ev.has_timestamp = 1;
            return true;
        }
        case K_BAD:
            return fail_json("unexpected character");
        default:
            return fail(index, "timestamp", "must be an ISO-8601 string or integer epoch milliseconds");
        }
    }

    bool properties_field(ondemand::value &v, long index, ci_event &ev) {
        ondemand::json_type t;
        error_code e = v.type().get(t);
        if (e) return fail_json(e);
        ev.properties_begin = static_cast<uint32_t>(props.size);
        ev.properties_count = 0;
        if (t == ondemand::json_type::null) return expect_null(v);
        if (t != ondemand::json_type::object) return fail(index, "properties", "must be an object");
        ondemand::object o;
        if ((e = v.get_object().get(o))) return fail_json(e);
        props.ensure(kMaxProperties);
        ci_property *out = props.data.get() + props.size;
        size_t n = 0;
        // Keys of null values are dropped but still take part in duplicate detection. Every key
        // (null-valued or not) counts towards the limit, which also bounds the quadratic check.
        ci_span null_keys[kMaxProperties];
        size_t n_null = 0;
        for (auto fr : o) {
            ondemand::field f;
            if ((e = std::move(fr).get(f))) return fail_json(e);
            std::string_view key;
            const char *kp = f.key().raw();
            const char *kq = find_quote_or_backslash(kp);
            bool key_in_input = *kq == '"';
            if (key_in_input) key = std::string_view(kp, static_cast<size_t>(kq - kp));
            else if (!key_of(f, key)) return false;
            if (n + n_null >= kMaxProperties) return fail(index, "properties", "more than 64 properties");
            if (key.size() > kMaxPropertyKey) return fail_property(index, key, "key longer than 256 bytes");
            const uint8_t *a = arena.get();
            for (size_t j = 0; j < n; ++j) {
                const ci_span &ks = out[j].key;
                if (ks.length == key.size() && std::memcmp(a + ks.offset, key.data(), key.size()) == 0)
                    return fail_property(index, key, "duplicate key");
            }
            for (size_t j = 0; j < n_null; ++j) {
                const ci_span &ks = null_keys[j];
                if (ks.length == key.size() && std::memcmp(a + ks.offset, key.data(), key.size()) == 0)
                    return fail_property(index, key, "duplicate key");
            }
            // Store the key first: unescaped keys live in simdjson's string buffer.
            ci_span key_span = put(key.data(), key.size(), key_in_input);
            ondemand::value &pv = f.value();
            std::string_view tok = pv.raw_json_token();
            ci_property &prop = out[n];
            switch (kind_of(*tok.data())) {
            case K_STRING: {
                std::string_view s;
                bool in_input;
                if (!read_string(pv, tok, s, in_input)) return false;
                if (s.size() > kMaxPropertyValue) return fail_property(index, key_from(key_span), "longer than 4096 bytes");
                prop.value = put(s.data(), s.size(), in_input);
                prop.kind = CI_VALUE_STRING;
                break;
            }
            case K_NUMBER: {
                tok = trim_right(tok);
                if (!valid_json_number(tok)) return fail_json("malformed number");
                if (tok.size() > kMaxPropertyValue) return fail_property(index, key_from(key_span), "longer than 4096 bytes");
                prop.value = put(tok.data(), tok.size(), true);
                prop.kind = CI_VALUE_NUMBER;
                break;
            }
            case K_BOOL: {
                bool b;
                if (!read_bool(pv, b)) return false;
                prop.value = b ? put("true", 4) : put("false", 5);
                prop.kind = CI_VALUE_BOOL;
                break;
            }
            case K_NULL:
                if (!expect_null(pv)) return false;
                null_keys[n_null++] = key_span;
                continue;
            case K_BAD:
                return fail_json("unexpected character");
            default:
                return fail_property(index, key_from(key_span), "must be a string, number, boolean or null");
            }
            prop.key = key_span;
            ++n;
        }
        props.size += n;
        ev.properties_count = static_cast<uint32_t>(n);
        return true;
    }

    std::string_view key_from(ci_span s) const {
        return std::string_view(reinterpret_cast<const char *>(arena.get() + s.offset), s.length);
    }

    Buffer<ci_event> events;
    Buffer<ci_property> props;

    // Parses the fields of one event object. At the top level (`top` != nullptr) the key "events"
    // is recognised: *top is set to true and the array is parsed into `events`.
    bool event_fields(ondemand::object &o, long index, ci_event &ev, size_t max_events, bool *top) {
        unsigned seen = 0;
        error_code e;
        for (auto fr : o) {
            ondemand::field f;
            if ((e = std::move(fr).get(f))) return fail_json(e);
            int id = match_raw_key(f.key().raw());
            if (id == F_UNKNOWN) {
                // Not verbatim one of ours: it may still be one once unescaped ("ev\u0065nt").
                std::string_view key;
                if (!key_of(f, key)) return false;
                id = match_key(key.data(), key.size());
            }
            if (id == F_UNKNOWN || (id == F_EVENTS && top == nullptr)) {
                if (!skip_value(f.value(), 1)) return false;
                continue;
            }
            const unsigned bit = 1u << id;
            if (seen & bit) return fail(id == F_EVENTS ? -1 : index, kFieldNames[id], "duplicate key");
            seen |= bit;
            if (top != nullptr && (seen & (1u << F_EVENTS)) && (seen & ~(1u << F_EVENTS)))
                return fail(-1, "body", "a body with \"events\" must not also contain event fields");
            ondemand::value &v = f.value();
            switch (id) {
            case F_EVENT_TYPE: if (!string_field(v, index, id, ev.event_type)) return false; break;
            case F_USER: if (!string_field(v, index, id, ev.user)) return false; break;
            case F_ACCOUNT: if (!string_field(v, index, id, ev.account)) return false; break;
            case F_PAGE: if (!string_field(v, index, id, ev.page)) return false; break;
            case F_EXTERNAL: if (!string_field(v, index, id, ev.external_id)) return false; break;
            case F_ANON: if (!string_field(v, index, id, ev.anonymous_id)) return false; break;
            case F_TIMESTAMP: if (!timestamp_field(v, index, ev)) return false; break;
            case F_PROPERTIES: if (!properties_field(v, index, ev)) return false; break;
            case F_EVENTS:
                *top = true;
                if (!events_array(v, max_events)) return false;
                break;
            default: break;
            }
        }
        return true;
    }

    static void reset_event(ci_event &ev, uint32_t props_begin) {
        const ci_span absent{CI_ABSENT, 0};
        ev.event_type = absent;
        ev.user = absent;
        ev.account = absent;
        ev.page = absent;
        ev.external_id = absent;
        ev.anonymous_id = absent;
        ev.timestamp_ms = 0;
        ev.has_timestamp = 0;
        ev.properties_begin = props_begin;
        ev.properties_count = 0;
    }

    bool events_array(ondemand::value &v, size_t max_events) {
        ondemand::json_type t;
        error_code e = v.type().get(t);
        if (e) return fail_json(e);
        if (t != ondemand::json_type::array) return fail(-1, "events", "must be an array of event objects");
        ondemand::array a;
        if ((e = v.get_array().get(a))) return fail_json(e);
        long index = 0;
        for (auto er : a) {
            ondemand::value x;
            if ((e = er.get(x))) return fail_json(e);
            if (static_cast<size_t>(index) >= max_events) {
                std::string m = "more than " + std::to_string(max_events) + " events";
                return fail(-1, "events", m);
            }
            ondemand::json_type et;
            if ((e = x.type().get(et))) return fail_json(e);
            if (et != ondemand::json_type::object) return fail(index, "events", "each event must be a JSON object");
            ondemand::object eo;
            if ((e = x.get_object().get(eo))) return fail_json(e);
            ci_event ev;
            reset_event(ev, static_cast<uint32_t>(props.size));
            if (!event_fields(eo, index, ev, 0, nullptr)) return false;
            events.push(ev);
            ++index;
        }
        if (index == 0) return fail(-1, "events", "must contain at least one event");
        return true;
    }

    bool parse_body(const uint8_t *body, size_t length, size_t max_events, bool &is_batch) {
        if (length == 0 || body == nullptr) return fail("body", "empty body");
        if (length > kMaxBody) return fail("body", "body too large");

        // Padded copy of the input.
        if (input_capacity < length || (input_capacity > kShrinkAbove && length < input_capacity / 4)) {
            size_t cap = length < 64 * 1024 ? 64 * 1024 : length + length / 4;
            input.reset(new uint8_t[cap + simdjson::SIMDJSON_PADDING]);
            input_capacity = cap;
        }
        std::memcpy(input.get(), body, length);
        std::memset(input.get() + length, 0, simdjson::SIMDJSON_PADDING);

        if (arena_capacity > kShrinkAbove && length < arena_capacity / 4) {
            arena.reset();
            arena_capacity = 0;
        }
        reserve_arena(length);
        arena_size = 0;
        events.shrink_if_huge(kShrinkAbove);
        props.shrink_if_huge(kShrinkAbove);
        if (json.capacity() > kShrinkAbove && length < json.capacity() / 4) json = ondemand::parser{};

        ondemand::document doc;
        error_code e = json.iterate(simdjson::padded_string_view(input.get(), length,
                                                                 input_capacity + simdjson::SIMDJSON_PADDING))
                           .get(doc);
        if (e) return fail_json(e);
        ondemand::json_type t;
        if ((e = doc.type().get(t))) return fail_json(e);
        if (t != ondemand::json_type::object)
            return fail("body", "must be a JSON object (one event or {\"events\": [...]})");
        ondemand::object o;
        if ((e = doc.get_object().get(o))) return fail_json(e);

        ci_event single;
        reset_event(single, 0);
        bool batch = false;
        // A single-event body reports its field errors with index -1 (there is no batch position;
        // the HTTP layer then names the bare field, e.g. "timestamp", not "events[0].timestamp").
        if (!event_fields(o, -1, single, max_events, &batch)) return false;
        // Anything after the top-level object is an error.
        const char *loc = nullptr;
        e = doc.current_location().get(loc);
        if (e != simdjson::OUT_OF_BOUNDS) return fail("body", "invalid JSON: unexpected content after the top-level object");
        if (!batch) events.push(single);
        is_batch = batch;
        return true;
    }
};

extern "C" {

ci_parser *ci_parser_create(void) {
    try {
        return new ci_parser();
    } catch (...) {
        return nullptr;
    }
}

void ci_parser_destroy(ci_parser *parser) { delete parser; }

ci_result ci_parse(ci_parser *parser, const uint8_t *body, size_t length, size_t max_events) {
    ci_result r;
    std::memset(&r, 0, sizeof r);
    r.error_index = -1;
    if (parser == nullptr) {
        r.error_field = "body";
        r.error_message = "no parser";
        return r;
    }
    bool batch = false;
    bool ok;
    try {
        ok = parser->parse_body(body, length, max_events, batch);
    } catch (const std::bad_alloc &) {
        ok = false;
        try { parser->fail("body", "out of memory"); } catch (...) { r.error_field = "body"; r.error_message = "out of memory"; return r; }
    } catch (...) {
        ok = false;
        try { parser->fail("body", "internal error"); } catch (...) { r.error_field = "body"; r.error_message = "internal error"; return r; }
    }
    if (!ok) {
        parser->events.size = 0;
        parser->props.size = 0;
        r.error_index = parser->error_index;
        r.error_field = parser->error_field.c_str();
        r.error_message = parser->error_message.c_str();
        return r;
    }
    r.ok = 1;
    r.is_batch = batch ? 1 : 0;
    r.events = parser->events.data.get();
    r.event_count = parser->events.size;
    r.properties = parser->props.data.get();
    r.property_count = parser->props.size;
    r.arena = parser->arena.get();
    r.arena_size = parser->arena_size;
    return r;
}

int ci_parse_iso8601(const char *text, size_t length, int64_t *out_ms) {
    if (out_ms == nullptr) return 0;
    int64_t ms;
    if (!parse_iso8601(text, length, &ms)) return 0;
    *out_ms = ms;
    return 1;
}

} // extern "C"
