import Runtime

/// The tenant's whole state as sections of bytes, for snapshots: everything needed to answer
/// every read exactly as before, without replaying events. Interners are stored as their strings
/// and their hash tables rebuilt on load.
extension TenantState {
    public enum Section: UInt32, CaseIterable, Sendable {
        case identities = 1, propertySets, eventLog, days, minutes, users, accounts, counters, profiles, accountDays, typeRepeats, segments, nudges, journeys, nudgeTotals, idempotency, marks, segmentDetails, logs, eviction, messageIDs, messageIDHashes, accountTypeDays, health, signals, impact, workspace, discoveries, catalog, nudgeHistory, metadata, nudgeVersions, tagging, personyze

        public var name: String { String(describing: self) }

        /// Sections added after the first release: a snapshot written before them still loads.
        public var isOptional: Bool { self.rawValue >= Section.profiles.rawValue }
        public static var required: [Section] { allCases.filter { !$0.isOptional } }
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public var section: Section
        public var description: String { "snapshot section \(section.name) does not decode" }
    }

    public func encodedSection(_ section: Section) -> [UInt8] {
        var w = BinaryWriter()
        switch section {
        case .identities:
            for interner in [userNames, accountNames, eventTypeNames, pageNames, externalIDs] { interner.encode(into: &w) }
        case .propertySets:
            propertySets.keys.encode(into: &w); propertySets.values.encode(into: &w); propertySets.sets.encode(into: &w)
            w.write(array: propertySets.pairStarts); w.write(array: propertySets.pairKeys); w.write(array: propertySets.pairValues)
        case .eventLog:
            return Array(encodedPieces(.eventLog).pieces.joined())
        case .days:
            w.write(days.firstDay); w.write(UInt32(days.days.count))
            for day in days.days {
                w.write(bitmap: day.active); w.write(bitmap: day.newUsers); w.write(UInt64(day.eventCount))
                w.write(UInt32(day.typeUsers.count)); for bitmap in day.typeUsers { w.write(bitmap: bitmap) }
                w.write(array: day.typeCounts.map { UInt64($0) }); w.write(array: day.pageCounts.map { UInt64($0) })
            }
        case .minutes:
            w.write(array: minutes.minutes); for bitmap in minutes.users { w.write(bitmap: bitmap) }
        case .users:
            let s = users.summaries
            w.write(array: s.map(\.firstSeen)); w.write(array: s.map(\.lastSeen)); w.write(array: s.map(\.eventCount))
            w.write(array: s.map(\.account)); w.write(array: s.map(\.latestProperties)); w.write(array: s.map(\.recentProperties))
            w.write(array: s.map(\.externalID)); w.write(array: s.map(\.mergedInto)); w.write(array: s.map { UInt8($0.isAnonymous ? 1 : 0) })
            w.write(UInt64(users.mergedCount))
        case .accounts:
            let s = accounts.summaries
            w.write(array: s.map(\.firstSeen)); w.write(array: s.map(\.lastSeen)); w.write(array: s.map(\.eventCount))
            for bitmap in accounts.users { w.write(bitmap: bitmap) }
        case .counters:
            w.write(array: typeTotals.map { UInt64($0) })
            w.write(UInt64(eventsIngested)); w.write(newestTimestampMs ?? .min); w.write(version)
        case .eviction:
            w.write(log.evictedBeforeMs ?? .min)
        case .messageIDs:
            w.write(UInt32(0))   // the ids as text, as the first builds kept them: none now (messageIDHashes holds them)
        case .messageIDHashes:
            messageIDs.encode(into: &w)
        case .profiles:
            profiles.encode(into: &w)
        case .accountDays:
            w.write(UInt32(days.days.count))
            for day in days.days { w.write(array: day.accountCounts) }
        case .accountTypeDays:
            w.write(UInt32(days.days.count))
            for day in days.days { w.write(array: day.accountTypeMasks); w.write(array: day.accountTypeOverflow.sorted()) }
        case .health:
            health.encode(into: &w)
        case .signals:
            signals.encode(into: &w)
        case .impact:
            impact.encode(into: &w)
        case .workspace:
            workspace.encode(into: &w)
        case .discoveries:
            discoveries.encode(into: &w)
        case .catalog:
            catalog.encode(into: &w)
        case .metadata:
            metadata.encode(into: &w)
        case .tagging:
            tagging.encode(into: &w)
        case .personyze:
            personyze.encode(into: &w)
        case .segments:
            segments.encode(into: &w)
        case .nudges:
            nudges.encode(into: &w)
        case .journeys:
            journeys.encode(into: &w)
        case .nudgeTotals:
            nudges.encodeTotals(into: &w)
        case .nudgeHistory:
            nudges.encodeHistory(into: &w)
        case .nudgeVersions:
            nudges.encodeVersions(into: &w)
        case .idempotency:
            idempotency.encode(into: &w)
        case .marks:
            marks.encode(into: &w)
        case .segmentDetails:
            segments.encodeDetails(into: &w)
        case .logs:
            logs.encode(into: &w)
            w.write(UInt64(logsIngested))
        case .typeRepeats:
            w.write(UInt32(days.days.count))
            for day in days.days {
                w.write(UInt32(day.typeExtraCounts.count))
                for extra in day.typeExtraCounts {
                    let sorted = extra.sorted { $0.key < $1.key }
                    w.write(array: sorted.map(\.key)); w.write(array: sorted.map(\.value))
                }
            }
        }
        return w.bytes
    }

    /// A section's bytes as pieces made one at a time, and their total, known before the first
    /// (zstd records it at the start of the frame).
    public struct SectionPieces {
        public let rawSize: Int
        public let pieces: LazyMapSequence<Range<Int>, [UInt8]>
    }

    /// The event log a chunk at a time, so a snapshot never holds the whole log encoded; every
    /// other section in one piece.
    public func encodedPieces(_ section: Section) -> SectionPieces {
        guard section == .eventLog else {
            let bytes = encodedSection(section)
            return SectionPieces(rawSize: bytes.count, pieces: (0..<1).lazy.map { _ in bytes })
        }
        let chunks = log.sealed.map(\.columns) + [log.open]
        var head = BinaryWriter()
        head.write(UInt64(log.evictedEvents)); head.write(UInt32(chunks.count))
        let users = self.users
        return SectionPieces(rawSize: chunks.reduce(head.bytes.count) { $0 + $1.encodedSize }, pieces: (0..<(chunks.count + 1)).lazy.map { [head] i in
            guard i > 0 else { return head.bytes }
            var w = BinaryWriter(capacity: chunks[i - 1].encodedSize)
            chunks[i - 1].encode(into: &w, users: users)
            return w.bytes
        })
    }

    /// Rebuilds a state from every section's bytes.
    public init(settings: TenantSettings, sections: [Section: [UInt8]]) throws {
        self.init(settings: settings)
        // Users first: the event log is encoded relative to them.
        for section in [Section.users] + Section.allCases.filter({ $0 != .users }) {
            guard let bytes = sections[section] else {
                if section.isOptional { continue }
                throw DecodingError(section: section)
            }
            let ok = bytes.withUnsafeBytes { raw in
                var r = BinaryReader(raw)
                return decode(section, from: &r) && r.remaining == 0
            }
            guard ok else { throw DecodingError(section: section) }
        }
        guard users.count == userNames.count, accounts.count == accountNames.count, typeTotals.count == eventTypeNames.count,
              users.summaries.allSatisfy({ Int($0.mergedInto) < users.count }) else { throw DecodingError(section: .users) }
        guard profiles.accounts.keys.allSatisfy({ Int($0) < accounts.count }), profiles.users.keys.allSatisfy({ Int($0) < users.count })
        else { throw DecodingError(section: .profiles) }
        guard log.sealed.allSatisfy({ $0.columns.propertySets.allSatisfy { Int($0) < propertySets.count } }),
              log.open.propertySets.allSatisfy({ Int($0) < propertySets.count }) else { throw DecodingError(section: .eventLog) }
        rebuildPropertyDays()
        rebuildSessionIndex()
        rebuildProductStats()
        if sections[.accountDays] == nil { rebuildAccountDays() } else if sections[.accountTypeDays] == nil { rebuildAccountDays(countsToo: false) }
        if sections[.typeRepeats] == nil { rebuildTypeExtraCounts() }
        if sections[.nudgeTotals] == nil { for id in nudges.byID.keys { nudges.byID[id]!.deriveAudienceTotals() } }
        if sections[.nudgeVersions] == nil { nudges.deriveVersions() }
    }

    /// Per-day repeat counts from the retained events (for snapshots written before they were kept).
    mutating func rebuildTypeExtraCounts() {
        var calendar = self.calendar
        var seen: [DayNumber: [UInt64: UInt32]] = [:]
        for chunk in log.sealed.map(\.columns) + [log.open] {
            for row in 0..<chunk.count {
                let key = UInt64(chunk.types[row]) << 32 | UInt64(users.canonical(chunk.users[row]))
                seen[calendar.day(of: chunk.timestamps[row]), default: [:]][key, default: 0] += 1
            }
        }
        for (day, counts) in seen {
            guard let slot = days.days.indices.first(where: { days.firstDay + DayNumber($0) == day }) else { continue }
            for (key, n) in counts where n > 1 {
                let t = Int(key >> 32)
                if t >= days.days[slot].typeExtraCounts.count { days.days[slot].growTypes(to: t + 1) }
                days.days[slot].typeExtraCounts[t][UInt32(truncatingIfNeeded: key)] = n - 1
            }
        }
    }

    /// Per-day account counts and event types from the retained events (for snapshots written
    /// before they were kept); `countsToo` false: the types only, the counts being in the snapshot.
    mutating func rebuildAccountDays(countsToo: Bool = true) {
        var calendar = self.calendar
        for chunk in log.sealed.map(\.columns) + [log.open] {
            for row in 0..<chunk.count where chunk.accounts[row] != AccountIndex.none.rawValue {
                let slot = days.slot(for: calendar.day(of: chunk.timestamps[row]))
                let a = Int(chunk.accounts[row])
                if a >= days[slot: slot].accountCounts.count { days[slot: slot].growAccounts(to: a + 1) }
                if countsToo { days[slot: slot].accountCounts[a] &+= 1 }
                days[slot: slot].recordAccountType(a, Int(chunk.types[row]))
            }
        }
    }

    private mutating func decode(_ section: Section, from r: inout BinaryReader) -> Bool {
        switch section {
        case .identities:
            guard let u = ByteInterner.decode(from: &r), let a = ByteInterner.decode(from: &r), let t = ByteInterner.decode(from: &r),
                  let p = ByteInterner.decode(from: &r), let x = ByteInterner.decode(from: &r) else { return false }
            userNames = u; accountNames = a; eventTypeNames = t; pageNames = p; externalIDs = x
        case .propertySets:
            guard let keys = ByteInterner.decode(from: &r), let values = ByteInterner.decode(from: &r), let sets = ByteInterner.decode(from: &r),
                  let starts = r.readArray(UInt32.self), let pairKeys = r.readArray(UInt32.self), let pairValues = r.readArray(UInt32.self),
                  starts.count == sets.count + 1, pairKeys.count == pairValues.count, starts.last.map({ Int($0) == pairKeys.count }) ?? false
            else { return false }
            propertySets.keys = keys; propertySets.values = values; propertySets.sets = sets
            propertySets.pairStarts = starts; propertySets.pairKeys = pairKeys; propertySets.pairValues = pairValues
        case .eventLog:
            guard let evicted = r.readCount(), let count = r.read(UInt32.self), count >= 1 else { return false }
            var chunks: [EventColumns] = []
            for _ in 0..<count {
                guard let columns = EventColumns.decode(from: &r, users: users) else { return false }
                chunks.append(columns)
            }
            let open = chunks.removeLast()
            guard chunks.allSatisfy({ $0.count == EventLog.chunkCapacity }), open.count < EventLog.chunkCapacity else { return false }
            log.evictedEvents = evicted
            log.sealed = chunks.map(SealedChunk.init)
            log.open = open
            log.open.reserve(EventLog.chunkCapacity)
        case .days:
            guard let first = r.read(DayNumber.self), let count = r.read(UInt32.self) else { return false }
            var all: [DayIndex] = []
            for _ in 0..<count {
                var day = DayIndex()
                guard let active = r.readBitmap(), let newUsers = r.readBitmap(), let events = r.readCount(),
                      let typeCount = r.read(UInt32.self) else { return false }
                day.active = active; day.newUsers = newUsers; day.eventCount = events
                for _ in 0..<typeCount {
                    guard let bitmap = r.readBitmap() else { return false }
                    day.typeUsers.append(bitmap)
                }
                guard let typeCounts = r.readCounts(), let pageCounts = r.readCounts(),
                      typeCounts.count == day.typeUsers.count else { return false }
                day.typeCounts = typeCounts; day.pageCounts = pageCounts
                day.typeExtraCounts = Array(repeating: [:], count: day.typeUsers.count)
                all.append(day)
            }
            days.firstDay = first; days.days = all
        case .minutes:
            guard let minuteNumbers = r.readArray(Int64.self), minuteNumbers.count == MinuteRing.size else { return false }
            var bitmaps: [Bitmap] = []
            for _ in 0..<MinuteRing.size {
                guard let bitmap = r.readBitmap() else { return false }
                bitmaps.append(bitmap)
            }
            minutes.minutes = minuteNumbers; minutes.users = bitmaps
        case .users:
            guard let first = r.readArray(Int64.self), let last = r.readArray(Int64.self), let counts = r.readArray(UInt32.self),
                  let accountIDs = r.readArray(UInt32.self), let latest = r.readArray(UInt32.self), let recent = r.readArray(UInt32.self),
                  let external = r.readArray(UInt32.self), let merged = r.readArray(UInt32.self), let anonymous = r.readArray(UInt8.self),
                  let mergedCount = r.readCount(),
                  Set([first.count, last.count, counts.count, accountIDs.count, latest.count, recent.count, external.count, merged.count, anonymous.count]).count == 1
            else { return false }
            users.summaries = (0..<first.count).map { i in
                UserSummary(firstSeen: first[i], lastSeen: last[i], eventCount: counts[i], account: accountIDs[i], latestProperties: latest[i],
                            recentProperties: recent[i], externalID: external[i], mergedInto: merged[i], isAnonymous: anonymous[i] != 0)
            }
            users.mergedCount = mergedCount
        case .accounts:
            guard let first = r.readArray(Int64.self), let last = r.readArray(Int64.self), let counts = r.readArray(UInt32.self),
                  first.count == last.count, first.count == counts.count else { return false }
            var bitmaps: [Bitmap] = []
            for _ in 0..<first.count {
                guard let bitmap = r.readBitmap() else { return false }
                bitmaps.append(bitmap)
            }
            accounts.summaries = (0..<first.count).map { AccountSummary(firstSeen: first[$0], lastSeen: last[$0], eventCount: counts[$0]) }
            accounts.users = bitmaps
        case .counters:
            guard let totals = r.readCounts(), let ingested = r.readCount(), let newest = r.read(Int64.self),
                  let version = r.read(UInt64.self) else { return false }
            typeTotals = totals; eventsIngested = ingested
            newestTimestampMs = newest == .min ? nil : newest; self.version = version
        case .eviction:
            guard let bound = r.read(Int64.self) else { return false }
            log.evictedBeforeMs = bound == .min ? nil : bound
        case .messageIDs:
            return MessageIDs.decodeTexts(from: &r, into: &messageIDs)
        case .messageIDHashes:
            return MessageIDs.decode(from: &r, into: &messageIDs)
        case .profiles:
            guard let decoded = Profiles.decode(from: &r) else { return false }
            profiles = decoded
        case .accountDays:
            guard let count = r.read(UInt32.self), Int(count) == days.days.count else { return false }
            for i in 0..<Int(count) {
                guard let counts = r.readArray(UInt32.self) else { return false }
                days.days[i].accountCounts = counts
                days.days[i].accountTypeMasks = [UInt64](repeating: 0, count: counts.count)
            }
        case .accountTypeDays:
            guard let count = r.read(UInt32.self), Int(count) == days.days.count else { return false }
            for i in 0..<Int(count) {
                guard let masks = r.readArray(UInt64.self), masks.count == days.days[i].accountCounts.count,
                      let overflow = r.readArray(UInt64.self),
                      overflow.allSatisfy({ Int($0 >> 32) < masks.count }) else { return false }
                days.days[i].accountTypeMasks = masks
                days.days[i].accountTypeOverflow = Set(overflow)
            }
        case .health:
            guard let decoded = HealthRecord.decode(from: &r) else { return false }
            health = decoded
        case .signals:
            guard let decoded = Signals.decode(from: &r) else { return false }
            signals = decoded
        case .impact:
            guard let decoded = ImpactActions.decode(from: &r) else { return false }
            impact = decoded
        case .workspace:
            guard let decoded = Workspace.decode(from: &r) else { return false }
            workspace = decoded
        case .discoveries:
            guard let decoded = Discoveries.decode(from: &r) else { return false }
            discoveries = decoded
        case .catalog:
            guard let decoded = DataCatalog.decode(from: &r) else { return false }
            adopt(decoded)
        case .metadata:
            guard let decoded = Metadata.decode(from: &r) else { return false }
            metadata = decoded
        case .tagging:
            guard let decoded = Tagging.decode(from: &r) else { return false }
            tagging = decoded
        case .personyze:
            guard let decoded = PersonyzeTables.decode(from: &r) else { return false }
            personyze = decoded
        case .nudges:
            guard let decoded = Nudges.decode(from: &r) else { return false }
            nudges = decoded
        case .journeys:
            guard let decoded = Journeys.decode(from: &r) else { return false }
            journeys = decoded
        case .nudgeTotals:
            return nudges.decodeTotals(from: &r)
        case .nudgeHistory:
            return nudges.decodeHistory(from: &r)
        case .nudgeVersions:
            return nudges.decodeVersions(from: &r)
        case .idempotency:
            guard let decoded = IdempotencyKeys.decode(from: &r) else { return false }
            idempotency = decoded
        case .marks:
            guard let decoded = Marks.decode(from: &r) else { return false }
            marks = decoded
        case .segmentDetails:
            return segments.decodeDetails(from: &r)
        case .logs:
            guard let decoded = LogStore.decode(from: &r), let ingested = r.read(UInt64.self), Int(clamping: ingested) >= decoded.count else { return false }
            logs = decoded
            logsIngested = Int(clamping: ingested)
        case .segments:
            guard let decoded = Segments.decode(from: &r) else { return false }
            segments = decoded   // dynamic memberships are worked out whole at the first refresh
        case .typeRepeats:
            guard let count = r.read(UInt32.self), Int(count) == days.days.count else { return false }
            for i in 0..<Int(count) {
                guard let types = r.read(UInt32.self), Int(types) == days.days[i].typeUsers.count else { return false }
                for t in 0..<Int(types) {
                    guard let keys = r.readArray(UInt32.self), let values = r.readArray(UInt32.self), keys.count == values.count else { return false }
                    days.days[i].typeExtraCounts[t] = Dictionary(zip(keys, values), uniquingKeysWith: { first, _ in first })
                }
            }
        }
        return true
    }
}

extension ByteInterner {
    func encode(into w: inout BinaryWriter) {
        w.write(array: starts); w.write(array: arena)
    }

    /// The interner holding the same strings with the same ids; the hash table is rebuilt.
    static func decode(from r: inout BinaryReader) -> ByteInterner? {
        guard let starts = r.readArray(UInt32.self), let arena = r.readArray(UInt8.self), starts.first == 0,
              Int(starts.last ?? 1) == arena.count, zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        var interner = ByteInterner(capacity: starts.count)
        interner.arena = arena
        interner.starts = starts
        interner.hashes = []
        interner.hashes.reserveCapacity(starts.count - 1)
        arena.withUnsafeBytes { bytes in
            for id in 0..<(starts.count - 1) {
                let hash = ByteInterner.hash(UnsafeRawBufferPointer(rebasing: bytes[Int(starts[id])..<Int(starts[id + 1])]))
                interner.hashes.append(hash)
            }
        }
        for id in 0..<UInt32(starts.count - 1) { interner.place(id: id, hash: interner.hashes[Int(id)]) }
        return interner
    }
}

extension EventColumns {
    /// Columns in byte planes, with the predictable parts taken out first: timestamps as deltas
    /// from the previous event, accounts and property sets as XOR with the user's latest (mostly 0).
    /// The users section must be decoded before this one.
    func encode(into w: inout BinaryWriter, users table: UserTable) {
        var deltas = [Int64](repeating: 0, count: timestamps.count)
        var previous: Int64 = 0
        for (i, t) in timestamps.enumerated() { deltas[i] = t &- previous; previous = t }
        w.write(shuffled: deltas)
        w.write(shuffled: users)
        w.write(shuffled: zip(users, accounts).map { $1 ^ table.summaries[Int($0)].account })
        w.write(shuffled: types); w.write(shuffled: pages)
        w.write(shuffled: zip(users, propertySets).map { $1 ^ table.summaries[Int($0)].latestProperties })
    }

    /// What `encode` writes: six columns, each a `u64` count and its values.
    var encodedSize: Int { 6 * 8 + count * (8 + 5 * 4) }

    static func decode(from r: inout BinaryReader, users table: UserTable) -> EventColumns? {
        guard let deltas = r.readShuffled(Int64.self), let users = r.readShuffled(UInt32.self), let accounts = r.readShuffled(UInt32.self),
              let types = r.readShuffled(UInt32.self), let pages = r.readShuffled(UInt32.self), let sets = r.readShuffled(UInt32.self),
              Set([deltas.count, users.count, accounts.count, types.count, pages.count, sets.count]).count == 1,
              users.allSatisfy({ Int($0) < table.count }) else { return nil }
        var columns = EventColumns()
        var t: Int64 = 0
        columns.timestamps = deltas.map { t = t &+ $0; return t }
        columns.users = users
        columns.accounts = zip(users, accounts).map { $1 ^ table.summaries[Int($0)].account }
        columns.types = types; columns.pages = pages
        columns.propertySets = zip(users, sets).map { $1 ^ table.summaries[Int($0)].latestProperties }
        columns.minTimestamp = columns.timestamps.min() ?? .max
        columns.maxTimestamp = columns.timestamps.max() ?? .min
        return columns
    }
}
