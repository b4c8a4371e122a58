import CIngest

/// Ingest: validate a whole batch first, then apply every event, updating every index.
extension TenantState {
    /// Applies a batch parsed by `FastIngestParser`. Nothing changes if any event is invalid.
    /// - Parameters:
    ///   - nowMs: the server's clock; events without a timestamp get it, and it bounds late and future events.
    ///   - anonymousID: the id for events that name no user and no `anonymous_id`.
    public mutating func ingest(_ batch: ParsedBatch, nowMs: Int64, anonymousID: @autoclosure () -> String) throws(IngestValidationError) -> IngestReceipt {
        let needsAnonymous = try validate(batch, nowMs: nowMs)
        return applyValidated(batch, nowMs: nowMs, anonymousID: needsAnonymous ? anonymousID() : nil)
    }

    /// Checks a batch without changing anything; returns whether an event needs an anonymous id.
    /// - Parameter judgingLimits: false when replaying a batch accepted earlier: then only what
    ///   applying needs is checked, never the limits of acceptance (retention, the clock), which
    ///   may have changed since it was accepted.
    public func validate(_ batch: ParsedBatch, nowMs: Int64, judgingLimits: Bool = true) throws(IngestValidationError) -> Bool {
        try checkClock(nowMs)
        var needsAnonymous = false
        for (position, event) in batch.events.enumerated() {
            let i: Int? = batch.isBatch ? position : nil   // a single-event body names the bare field
            if event.event_type.offset == CI_ABSENT || event.event_type.length == 0 {
                throw IngestValidationError(index: i, field: "event_type", message: "is required")
            }
            if event.has_timestamp != 0, let problem = timestampProblem(event.timestamp_ms, nowMs: nowMs, judgingLimits: judgingLimits) {
                throw IngestValidationError(index: i, field: "timestamp", message: problem)
            }
            if judgingLimits, event.page.offset == CI_ABSENT, batch.bytes(event.event_type).elementsEqual("page_view".utf8) {
                throw IngestValidationError(index: i, field: "page_url", message: "is required for page_view events")
            }
            if event.user.offset == CI_ABSENT && event.anonymous_id.offset == CI_ABSENT { needsAnonymous = true }
        }
        return needsAnonymous
    }

    /// Applies a batch that `validate` accepted at the same `nowMs`.
    /// - Parameter anonymousID: the id for events without a user; required when `validate` said so.
    public mutating func applyValidated(_ batch: ParsedBatch, nowMs: Int64, anonymousID generated: String?) -> IngestReceipt {
        var generatedUser: UInt32?
        batch.arena.withUnsafeBytes { arena in
            func bytes(_ span: ci_span) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: arena[Int(span.offset)..<Int(span.offset + span.length)])
            }
            for event in batch.events {
                let user: UInt32
                if event.user.offset != CI_ABSENT {
                    user = internUser(bytes(event.user), anonymous: false)
                } else if event.anonymous_id.offset != CI_ABSENT {
                    user = internUser(bytes(event.anonymous_id), anonymous: true)
                } else {
                    if generatedUser == nil { generatedUser = internUser(generated!, anonymous: true) }
                    user = generatedUser!
                }
                if event.external_id.offset != CI_ABSENT { users.setExternalID(externalIDs.intern(bytes(event.external_id)), of: user) }
                var account = event.account.offset == CI_ABSENT ? AccountIndex.none : internAccount(bytes(event.account))
                if account == .none, event.user.offset != CI_ABSENT, let derived = derivedAccountName(forUser: bytes(event.user)) { account = internAccount(derived) }
                let type = internEventType(bytes(event.event_type))
                let page = event.page.offset == CI_ABSENT ? PageIndex.none : PageIndex(pageNames.intern(bytes(event.page)))
                let lo = Int(event.properties_begin), hi = lo + Int(event.properties_count)
                let properties = hi == lo ? PropertySetIndex.empty
                    : propertySets.intern(batch.properties[lo..<hi].lazy.map { (key: bytes($0.key), value: bytes($0.value)) },
                                          likely: PropertySetIndex(users[user].recentProperties))
                let timestamp = event.has_timestamp != 0 ? event.timestamp_ms : nowMs
                if dropsEvent(user: user, account: account) { continue }
                apply(StoredEvent(timestampMs: timestamp, user: UserIndex(user), account: account, type: EventTypeIndex(type),
                                  page: page, properties: properties), nowMs: nowMs)
            }
        }
        return IngestReceipt(accepted: batch.events.count, anonymousID: generated)
    }

    /// Applies events given as strings (the slow path), with the same validation.
    public mutating func ingest(_ events: [EventInput], nowMs: Int64, anonymousID: @autoclosure () -> String) throws(IngestValidationError) -> IngestReceipt {
        let needsAnonymous = try validate(events, nowMs: nowMs)
        return applyValidated(events, nowMs: nowMs, anonymousID: needsAnonymous ? anonymousID() : nil)
    }

    /// Checks events without changing anything; returns whether one needs an anonymous id.
    /// - Parameter judgingLimits: false when replaying, as for a parsed batch.
    public func validate(_ events: [EventInput], nowMs: Int64, judgingLimits: Bool = true) throws(IngestValidationError) -> Bool {
        try checkClock(nowMs)
        if judgingLimits, events.count > IngestLimits.maxBatchEvents {
            throw IngestValidationError(index: nil, field: "events", message: "holds \(events.count) events; at most \(IngestLimits.maxBatchEvents) are allowed")
        }
        var needsAnonymous = false
        for (i, event) in events.enumerated() {
            if event.eventType.isEmpty { throw IngestValidationError(index: i, field: "event_type", message: "is required") }
            if let ts = event.timestampMs, let problem = timestampProblem(ts, nowMs: nowMs, judgingLimits: judgingLimits) {
                throw IngestValidationError(index: i, field: "timestamp", message: problem)
            }
            if judgingLimits, event.page == nil && event.eventType == "page_view" {
                throw IngestValidationError(index: i, field: "page_url", message: "is required for page_view events")
            }
            if event.user == nil { needsAnonymous = true }
        }
        return needsAnonymous
    }

    /// Applies events that `validate` accepted at the same `nowMs`.
    public mutating func applyValidated(_ events: [EventInput], nowMs: Int64, anonymousID generated: String?) -> IngestReceipt {
        for event in events {
            let user = internUser(event.user ?? generated!, anonymous: event.user == nil)
            let account = (event.account ?? event.user.flatMap { derivedAccountName(forUser: $0.utf8) }).map { name in
                var copy = name
                return copy.withUTF8 { internAccount(UnsafeRawBufferPointer($0)) }
            } ?? .none
            var typeName = event.eventType
            let type = typeName.withUTF8 { internEventType(UnsafeRawBufferPointer($0)) }
            let page = event.page.map { PageIndex(pageNames.intern($0)) } ?? .none
            let properties = event.properties.isEmpty ? PropertySetIndex.empty : propertySets.intern(event.properties.map { ($0.key, $0.value) })
            if dropsEvent(user: user, account: account) { continue }
            apply(StoredEvent(timestampMs: event.timestampMs ?? nowMs, user: UserIndex(user), account: account, type: EventTypeIndex(type),
                              page: page, properties: properties), nowMs: nowMs)
        }
        return IngestReceipt(accepted: events.count, anonymousID: generated)
    }

    /// Why `timestampMs` cannot be accepted now, or nil when it can. Without `judgingLimits`
    /// (replay) only a time the calendar cannot compute is refused.
    public func timestampProblem(_ timestampMs: Int64, nowMs: Int64, judgingLimits: Bool = true) -> String? {
        if !IngestLimits.computableTimestampsMs.contains(timestampMs) { return "is outside the range of times this server handles" }
        guard judgingLimits else { return nil }
        if timestampMs > nowMs &+ IngestLimits.maxFutureMs { return "is more than 24 hours in the future" }
        // Whatever the retention ("keep all" included): an older instant would stretch the day
        // indexes over millions of days.
        if timestampMs < SupportedTime.earliestMs { return "is before 2000-01-01, the earliest time Beacon keeps" }
        if settings.retentionDays > 0, timestampMs < nowMs &- Int64(settings.retentionDays) &* TenantCalendar.dayMs {
            return "is older than the tenant's retention of \(settings.retentionDays) days"
        }
        return nil
    }

    /// The clock a write is applied with comes from the WAL on replay: it must be computable too.
    private func checkClock(_ nowMs: Int64) throws(IngestValidationError) {
        guard IngestLimits.computableTimestampsMs.contains(nowMs) else {
            throw IngestValidationError(index: nil, field: "clock", message: "\(nowMs) is outside the range of times this server handles")
        }
    }

    // MARK: - Interning

    mutating func internUser(_ bytes: UnsafeRawBufferPointer, anonymous: Bool) -> UInt32 {
        let id = userNames.intern(bytes)
        if Int(id) == users.count { users.add(anonymous: anonymous || Self.looksAnonymous(bytes)) }
        return users.canonical(id)
    }

    /// Trackers (and this server) name visitors without an identity "anon-...".
    static func looksAnonymous(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count > 5 && bytes[0] == 0x61 && bytes[1] == 0x6E && bytes[2] == 0x6F && bytes[3] == 0x6E && bytes[4] == 0x2D
    }

    mutating func internUser(_ name: String, anonymous: Bool) -> UInt32 {
        var copy = name
        return copy.withUTF8 { internUser(UnsafeRawBufferPointer($0), anonymous: anonymous) }
    }

    mutating func internAccount(_ bytes: UnsafeRawBufferPointer) -> AccountIndex {
        let id = accountNames.intern(bytes)
        if Int(id) == accounts.count { accounts.add() }
        return AccountIndex(id)
    }

    mutating func internEventType(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let id = eventTypeNames.intern(bytes)
        if Int(id) == typeTotals.count { typeTotals.append(0) }
        return id
    }

    // MARK: - Applying one event to every index

    mutating func apply(_ event: StoredEvent, nowMs: Int64) {
        let u = event.user.rawValue
        let ts = event.timestampMs
        let day = calendar.day(of: ts)
        let slot = days.slot(for: day)
        let (previousFirst, previousAccount) = users.record(user: u, timestampMs: ts, account: event.account, properties: event.properties)
        days[slot: slot].record(user: u, type: Int(event.type.rawValue), page: event.page, account: event.account)
        if ts < previousFirst {
            if previousFirst != .max {
                let oldDay = calendar.day(of: previousFirst)
                if oldDay != day {
                    days[slot: days.slot(for: oldDay)].newUsers.remove(u)
                    days[slot: slot].newUsers.insert(u)
                }
            } else {
                days[slot: slot].newUsers.insert(u)
            }
        }
        if event.account != .none {
            accounts.record(account: event.account, user: u, timestampMs: ts, isNewMember: previousAccount != event.account.rawValue)
        }
        // Events ahead of the clock stay out of the live ring, so they cannot push the present out of it.
        if ts <= nowMs + 60_000 { minutes.record(user: u, timestampMs: ts) }
        sessionIndex.record(user: u, timestampMs: ts, calendar: &calendar)
        productStats.record(type: event.type.rawValue, properties: event.properties, user: u, timestampMs: ts, day: day,
                            typeNames: eventTypeNames, sets: propertySets)
        if segments.isWatching { segments.touch(user: u, type: event.type.rawValue) }
        log.append(event)
        if log.open.count == 0 {
            let sealed = log.sealed[log.sealed.count - 1].columns
            propertyDays.add(ChunkPropertyIndex(sealed, calendar: calendar, sets: propertySets))
            pageDays.add(sealed, calendar: calendar, isPageView: pageViewTypeFlags())
        }
        typeTotals[Int(event.type.rawValue)] += 1
        eventsIngested += 1
        version &+= 1
        if ts > (newestTimestampMs ?? .min) { newestTimestampMs = ts }
    }

    /// Evicts sealed chunks of events and of logs older than the retention window; aggregates stay.
    public mutating func evictExpired(nowMs: Int64) {
        guard settings.retentionDays > 0 else { return }
        let cutoff = nowMs - Int64(settings.retentionDays) * TenantCalendar.dayMs
        log.evict(olderThan: cutoff)
        if let bound = log.evictedBeforeMs { propertyDays.dropDays(before: day(of: bound)); pageDays.dropDays(before: day(of: bound)) }
        logs.evict(olderThan: cutoff)
    }
}

extension TenantState {
    /// The session index worked out again from the retained events (after a snapshot is loaded),
    /// in log order as ingest applied them; users are read through their merges.
    package mutating func rebuildSessionIndex() {
        var index = SessionIndex()
        var calendar = self.calendar
        log.forEachChunk { columns in
            for (user, ts) in zip(columns.users, columns.timestamps) { index.record(user: users.canonical(user), timestampMs: ts, calendar: &calendar) }
        }
        sessionIndex = index
    }

    /// The product counters worked out again from the retained events (after a snapshot is
    /// loaded, or a rename that may make a type a product event or no longer one).
    package mutating func rebuildProductStats() {
        var index = ProductStatsIndex()
        var calendar = self.calendar
        log.forEachChunk { columns in
            for row in 0..<columns.count {
                index.record(type: columns.types[row], properties: PropertySetIndex(columns.propertySets[row]), user: users.canonical(columns.users[row]),
                             timestampMs: columns.timestamps[row], day: calendar.day(of: columns.timestamps[row]), typeNames: eventTypeNames, sets: propertySets)
            }
        }
        productStats = index
    }

    /// The property day index worked out again from the sealed chunks (after a snapshot is loaded).
    package mutating func rebuildPropertyDays() {
        var index = PropertyDayIndex()
        for chunk in log.sealed { index.add(ChunkPropertyIndex(chunk.columns, calendar: calendar, sets: propertySets)) }
        propertyDays = index
        rebuildPageDays()
    }

    /// The page day index worked out again from the sealed chunks (after a snapshot is loaded,
    /// or a rename that makes a type a page view or no longer one).
    package mutating func rebuildPageDays() {
        var index = PageDayIndex()
        let flags = pageViewTypeFlags()
        for chunk in log.sealed { index.add(chunk.columns, calendar: calendar, isPageView: flags) }
        pageDays = index
    }

    /// Per event type, whether it is a page view (`page_view`, `pageview`, `$pageview`, `page`).
    func pageViewTypeFlags() -> [Bool] {
        (0..<UInt32(eventTypeNames.count)).map { PendoIDs.pageViewTypes.contains(eventTypeNames.string($0)) }
    }
}

extension ParsedBatch {
    func bytes(_ span: ci_span) -> ArraySlice<UInt8> { arena[Int(span.offset)..<Int(span.offset + span.length)] }
}
