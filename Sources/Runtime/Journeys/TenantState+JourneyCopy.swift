/// Copy for a nudge that leads users stuck after a journey step to the next one, written from
/// templates (no language model is available offline).
extension TenantState {
    public struct JourneyCopy: Sendable, Equatable {
        public var title: String
        public var body: String
        public var buttonText: String
        public var stuckUsers: Int
        public var suggestedGoalEvent: String
    }

    public enum JourneyCopyProblem: Error, Equatable {
        case unknownJourney(Int)
        /// The step has no next step; `lastIndex` is the last one that does.
        case noNextStep(lastIndex: Int)
    }

    /// - Parameter stepIndex: the step (0-based) users are stuck after.
    public func journeyCopy(journey id: Int, stepIndex: Int, nowMs: Int64) -> Result<JourneyCopy, JourneyCopyProblem> {
        guard let journey = journeys.byID[id] else { return .failure(.unknownJourney(id)) }
        guard stepIndex >= 0, stepIndex < journey.steps.count - 1 else { return .failure(.noNextStep(lastIndex: journey.steps.count - 2)) }
        let done = journey.steps[stepIndex].label, next = journey.steps[stepIndex + 1].label
        return .success(JourneyCopy(
            title: "Ready to \(next.lowercased())?",
            body: "You've done “\(done)”. The next step, “\(next)”, takes a minute and is where most people get the value of it.",
            buttonText: next.count <= 24 ? next : "Continue",
            stuckUsers: stuckUsers(journey, from: stepIndex + 1, nowMs: nowMs).count,
            suggestedGoalEvent: journey.steps[stepIndex + 1].eventType))
    }
}
