import NIOCore

extension NATSConnection {
    /// Publishes with a reply subject and waits for the first answer. All requests share one
    /// wildcard subscription (`_INBOX.<random>.*`); each gets its own last token.
    /// Throws `.noResponders` when nobody serves `subject`, `.timeout` when no answer comes in time.
    public func request(
        _ subject: String, headers: NATSHeaders? = nil, payload: [UInt8], timeout: Duration = .seconds(5)
    ) async throws -> NATSMessage {
        let (inboxSID, isNew) = try core.requestInbox(prefix: inboxPrefix)
        if isNew {
            send { ClientCommands.subscribe(subject: inboxPrefix + ".*", queue: nil, sid: inboxSID, into: &$0) }
        }
        let token = core.nextRequestToken()
        let reply = inboxPrefix + "." + token
        let core = self.core
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // Registered before the PUB goes out, so even an instant reply finds its waiter.
                guard core.addRequest(token: token, subject: subject, continuation: continuation) else { return }
                let timer = channel.eventLoop.scheduleTask(in: timeout.timeAmount) {
                    core.failRequest(token: token, with: NATSError.timeout("no reply on '\(subject)' within \(timeout)"))
                }
                core.attachTimer(timer, token: token)
                do {
                    try publish(subject, reply: reply, headers: headers, payload: payload)
                } catch {
                    core.failRequest(token: token, with: error)
                }
            }
        } onCancel: {
            core.failRequest(token: token, with: CancellationError())
        }
    }
}
