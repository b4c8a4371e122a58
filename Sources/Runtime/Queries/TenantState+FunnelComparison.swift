/// Funnels side by side and the users behind a step: what the funnel routes of every API family ask.
extension TenantState {
    public struct FunnelComparison: Sendable {
        /// The funnel for all users, and how many users there are.
        public var everyone: Funnel
        public var everyoneSize: Int
        /// Then one per segment, in the order asked.
        public var bySegment: [(segment: Segment, funnel: Funnel)]
    }

    public enum FunnelComparisonProblem: Error, Equatable {
        case unknownStep(String)
        case unknownSegment(Int)
    }

    /// The funnel of `steps` for everyone, then for each segment's members.
    public func funnelComparison(steps: [String], range: DayRange, windowMs: Int64, segments ids: [Int]) -> Result<FunnelComparison, FunnelComparisonProblem> {
        if let unknown = steps.first(where: { eventTypeIndex($0) == nil }) { return .failure(.unknownStep(unknown)) }
        if let missing = ids.first(where: { segments.byID[$0] == nil }) { return .failure(.unknownSegment(missing)) }
        let everyone = funnel(steps: steps, range: range, windowMs: windowMs)
        let bySegment = ids.map { id in
            let segment = segments.byID[id]!
            return (segment, funnel(steps: steps, range: range, windowMs: windowMs, among: segment.members))
        }
        return .success(FunnelComparison(everyone: everyone, everyoneSize: knownUserCount, bySegment: bySegment))
    }

    /// Users who reached step `step` (1-based) of `funnel`, or, with `dropped`, who reached the step
    /// before it and not this one.
    public func funnelUsers(_ funnel: Funnel, step: Int, dropped: Bool) -> Bitmap {
        let k = step - 1
        return dropped ? funnel.usersAtStep[k - 1].subtracting(funnel.usersAtStep[k]) : funnel.usersAtStep[k]
    }
}
