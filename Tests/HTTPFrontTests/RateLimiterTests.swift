import Testing
@testable import HTTPFront

/// The limiter admits a window's worth at once, then the steady rate; a window edge admits no
/// second burst (a fixed window let 2x through around each edge).
@Suite struct RateLimiterTests {
    @Test func aBurstThenTheSteadyRateAndNoDoubleBurstAtAnEdge() {
        let limiter = RateLimiter(limits: ["api": .init(requests: 10, windowSeconds: 60)])
        let start: Int64 = 1_793_448_059_900   // 100 ms before a minute turns
        let burst = (0..<10).map { _ in limiter.acquire(key: "k", routeClass: "api", nowMs: start) }
        #expect(burst.allSatisfy { $0 == nil }, "a window's worth at once")
        #expect(limiter.acquire(key: "k", routeClass: "api", nowMs: start) == 6, "the next slot is 6 s away")
        #expect(limiter.acquire(key: "k", routeClass: "api", nowMs: start + 200) != nil, "the turn of the minute admits no new burst")
        #expect(limiter.acquire(key: "k", routeClass: "api", nowMs: start + 6_000) == nil, "one more after one interval")
        #expect(limiter.acquire(key: "k", routeClass: "api", nowMs: start + 6_000) != nil)
        var admitted = 0
        for second in 7...(7 + 120) where limiter.acquire(key: "k", routeClass: "api", nowMs: start + Int64(second) * 1000) == nil { admitted += 1 }
        #expect((19...21).contains(admitted), "two minutes at the steady rate admit about 20, got \(admitted)")
    }

    @Test func keysAndClassesAreCountedApartAndUnlimitedClassesPass() {
        let limiter = RateLimiter(limits: ["api": .init(requests: 1, windowSeconds: 60), "ingest": .init(requests: 1, windowSeconds: 60)])
        #expect(limiter.acquire(key: "a", routeClass: "api", nowMs: 0) == nil)
        #expect(limiter.acquire(key: "a", routeClass: "api", nowMs: 0) == 60)
        #expect(limiter.acquire(key: "b", routeClass: "api", nowMs: 0) == nil)
        #expect(limiter.acquire(key: "a", routeClass: "ingest", nowMs: 0) == nil)
        #expect(limiter.acquire(key: "a", routeClass: "auth", nowMs: 0) == nil)
    }

    @Test func aMillionRequestsASecondStillLimit() {
        let limiter = RateLimiter(limits: ["ingest": .init(requests: 1_000_000, windowSeconds: 1)])
        var admitted = 0
        for _ in 0..<1_100_000 where limiter.acquire(key: "k", routeClass: "ingest", nowMs: 5_000) == nil { admitted += 1 }
        #expect(admitted == 1_000_000)
    }
}
