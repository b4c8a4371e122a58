/// What a pipeline reads besides its own rows: the tenant's data behind the sources, lookups,
/// segments, item use and engagement stages. `TenantPipelineData` serves them from a tenant's
/// state; tests serve them from plain lists.
public protocol PipelineData {
    /// The source's rows; long reads call `budget.tick` as they go.
    func rows(_ source: PipelineSource, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow]
    /// A visitor, account, page, feature, track type or guide by id; null when there is none.
    func lookup(_ kind: PipelineStage.Lookup.Kind, id: String) -> PipelineValue
    /// Whether a visitor belongs to the segment; nil when the segment does not exist.
    func segmentMembership(_ id: String) -> ((String) -> Bool)?
    /// The visitor's use of a page, feature or track type: `{"lastUsed": ms or null, "numEvents": n}`.
    func itemUse(visitor: String, item: PipelineStage.ItemKind, id: String) -> PipelineValue
    func metric(_ metric: PipelineMetric, _ budget: inout PipelineBudget) throws(PipelineError) -> [PipelineRow]
    /// A source and the stages after it answered at once (a fast path), with how many stages
    /// that covers; nil to run them one by one.
    func fused(_ stages: ArraySlice<PipelineStage>, _ budget: inout PipelineBudget) throws(PipelineError) -> (rows: [PipelineRow], consumed: Int)?
}

extension PipelineData {
    public func fused(_ stages: ArraySlice<PipelineStage>, _ budget: inout PipelineBudget) throws(PipelineError) -> (rows: [PipelineRow], consumed: Int)? { nil }
}

/// The seed's limits as Beacon keeps them: a time budget (checked every few thousand rows) and
/// a cap on the rows any stage may hold.
public struct PipelineBudget {
    public static let defaultMaximumRows = 2_000_000
    public let maximumRows: Int
    /// Whether the time budget has run out (the caller's clock: Runtime keeps none).
    let isPastDeadline: () -> Bool
    private var ticks = 0
    /// The stage being run, for the error.
    var stage: [Int] = []

    public init(maximumRows: Int = PipelineBudget.defaultMaximumRows, isPastDeadline: @escaping () -> Bool) {
        self.maximumRows = maximumRows; self.isPastDeadline = isPastDeadline
    }

    /// Counts one unit of work; every 4,096 the clock is read.
    @inline(__always)
    public mutating func tick() throws(PipelineError) {
        ticks &+= 1
        if ticks & 4095 == 0, isPastDeadline() { throw timedOut() }
    }

    /// Counts `n` units of work at once (a chunk a tight loop reads whole) and reads the clock.
    public mutating func tick(_ n: Int) throws(PipelineError) {
        ticks &+= n
        if isPastDeadline() { throw timedOut() }
    }

    public func timedOut() -> PipelineError {
        PipelineError(.tooSlow, stage: stage, "the pipeline ran past its time budget: narrow the timeSeries or filter earlier")
    }

    public func check(rows count: Int) throws(PipelineError) {
        guard count <= maximumRows else {
            throw PipelineError(.tooLarge, stage: stage, "a stage holds more than \(maximumRows) rows: narrow the timeSeries, filter or group earlier")
        }
    }
}
