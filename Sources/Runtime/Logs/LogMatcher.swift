/// Log conditions compiled against one store: level, service and source verdicts are worked out
/// once per distinct value and read from a table; message and attribute conditions are judged
/// per record (their values are free text).
struct LogMatcher {
    private let byLevel: [LogCondition], byService: [LogCondition], bySource: [LogCondition], byMessage: [LogCondition]
    private let byAttribute: [(key: UInt32?, condition: LogCondition)]
    // 0 unknown, 1 fails, 2 holds; the last slot of the service and source tables is for records without one.
    private var levelVerdicts = [UInt8](repeating: 0, count: LogLevel.allCases.count)
    private var serviceVerdicts: [UInt8], sourceVerdicts: [UInt8]

    init(_ conditions: [LogCondition], in store: LogStore) {
        byLevel = conditions.filter { $0.field == .level }
        byService = conditions.filter { $0.field == .service }
        bySource = conditions.filter { $0.field == .source }
        byMessage = conditions.filter { $0.field == .message }
        byAttribute = conditions.compactMap { condition in
            guard case .attribute(let key) = condition.field else { return nil }
            return (store.attributeKeys.lookup(key), condition)
        }
        serviceVerdicts = [UInt8](repeating: 0, count: store.services.count + 1)
        sourceVerdicts = [UInt8](repeating: 0, count: store.sources.count + 1)
    }

    @inline(__always)
    mutating func matches(_ chunk: LogColumns, _ row: Int, in store: LogStore) -> Bool {
        if !byLevel.isEmpty {
            let level = chunk.levels[row]
            if !Self.verdict(&levelVerdicts, Int(level), { [byLevel] in LogLevel(rawValue: level).map { l in byLevel.allSatisfy { $0.holds(level: l) } } ?? false }) { return false }
        }
        if !byService.isEmpty, !Self.named(chunk.services[row], &serviceVerdicts, byService, store.services) { return false }
        if !bySource.isEmpty, !Self.named(chunk.sources[row], &sourceVerdicts, bySource, store.sources) { return false }
        if !byMessage.isEmpty {
            let message = chunk.message(row)
            if !byMessage.allSatisfy({ $0.holds(message) }) { return false }
        }
        for (key, condition) in byAttribute where !condition.holds(key.flatMap { Self.attribute($0, chunk, row) }) { return false }
        return true
    }

    /// The value of attribute `key` on record `row`, if it has one.
    static func attribute(_ key: UInt32, _ chunk: LogColumns, _ row: Int) -> String? {
        for item in chunk.attributeRange(row) where chunk.attributeKeys[item] == key { return chunk.attributeValue(item) }
        return nil
    }

    @inline(__always)
    private static func named(_ id: UInt32, _ table: inout [UInt8], _ conditions: [LogCondition], _ names: ByteInterner) -> Bool {
        let slot = id == LogStore.absent ? table.count - 1 : Int(id)
        return verdict(&table, slot) { conditions.allSatisfy { $0.holds(id == LogStore.absent ? nil : names.string(id)) } }
    }

    @inline(__always)
    private static func verdict(_ table: inout [UInt8], _ i: Int, _ compute: () -> Bool) -> Bool {
        guard i < table.count else { return compute() }
        if table[i] == 0 { table[i] = compute() ? 2 : 1 }
        return table[i] == 2
    }
}

/// A breakdown compiled against one store: a record's value for the field as an id
/// (`LogDimension.none` when it has none). Free-text values get ids of their own as they are met.
struct LogDimension {
    static let none = UInt32.max

    let field: LogField
    private let key: UInt32?
    private var idOfText: [String: UInt32] = [:]
    private var texts: [String] = []

    init(_ field: LogField, in store: LogStore) {
        self.field = field
        if case .attribute(let name) = field { key = store.attributeKeys.lookup(name) } else { key = nil }
    }

    mutating func value(_ chunk: LogColumns, _ row: Int) -> UInt32 {
        switch field {
        case .level: return UInt32(chunk.levels[row])
        case .service: return chunk.services[row]
        case .source: return chunk.sources[row]
        case .message: return id(of: chunk.message(row))
        case .attribute:
            guard let key, let text = LogMatcher.attribute(key, chunk, row) else { return Self.none }
            return id(of: text)
        }
    }

    private mutating func id(of text: String) -> UInt32 {
        if let known = idOfText[text] { return known }
        let id = UInt32(texts.count)
        idOfText[text] = id
        texts.append(text)
        return id
    }

    /// The text of a value id; nil for `none`.
    func name(_ value: UInt32, in store: LogStore) -> String? {
        guard value != Self.none else { return nil }
        switch field {
        case .level: return LogLevel(rawValue: UInt8(truncatingIfNeeded: value))?.name
        case .service: return store.services.string(value)
        case .source: return store.sources.string(value)
        case .message, .attribute: return texts[Int(value)]
        }
    }
}
