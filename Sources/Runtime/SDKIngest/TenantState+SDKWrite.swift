extension TenantState {
    /// The positions of the messages whose id was not seen in the last 24 hours, nor earlier in the same batch.
    public func unseen(_ messages: [SDKMessage]) -> [Int] {
        var inBatch = Set<String>()
        return messages.indices.filter { i in
            guard let id = messages[i].messageID else { return true }
            return !messageIDs.contains(id) && inBatch.insert(id).inserted
        }
    }

    /// Checks a write without changing anything; returns whether an event needs an anonymous id.
    /// - Parameter judgingLimits: false when replaying.
    public func validate(_ write: SDKWrite, judgingLimits: Bool = true) throws(IngestValidationError) -> Bool {
        if judgingLimits, let long = write.messageIDs.firstIndex(where: { $0.utf8.count > MessageIDs.maxIDBytes }) {
            throw IngestValidationError(index: long, field: "message_id", message: "is longer than \(MessageIDs.maxIDBytes) bytes")
        }
        for edit in write.edits {
            switch edit {
            case .setUserProperties, .setAccountProperties: continue
            default: throw IngestValidationError(index: nil, field: "edits", message: "an SDK write sets properties only")
            }
        }
        return try validate(write.events, nowMs: write.nowMs, judgingLimits: judgingLimits)
    }

    /// Applies a write that `validate` accepted. Merges that conflict and edits of users without
    /// events are skipped, the same way live and on replay.
    public mutating func applyValidated(_ write: SDKWrite, anonymousID generated: String?) -> SDKReceipt {
        for id in write.messageIDs { messageIDs.insert(id, atMs: write.nowMs) }
        var receipt = SDKReceipt(events: write.events.count)
        if !write.events.isEmpty {
            receipt.anonymousID = applyValidated(write.events, nowMs: write.nowMs, anonymousID: generated).anonymousID
        }
        for merge in write.merges {
            guard let from = mergeSource(merge), from != merge.user else { continue }
            switch self.merge(anonymousID: from, into: merge.user) {
            case .merged: receipt.merges += 1
            case .alreadyMerged: break
            case .conflict: receipt.skipped += 1
            }
        }
        for edit in write.edits {
            if (try? apply(edit)) == nil { receipt.skipped += 1 }
        }
        return receipt
    }

    /// The candidate that names a user with events, else the first unless the merge is only for seen ids.
    func mergeSource(_ merge: SDKMerge) -> String? {
        if let seen = merge.candidates.first(where: { knownUser($0) != nil }) { return seen }
        return merge.onlyIfSeen ? nil : merge.candidates.first
    }

    public mutating func forgetOldMessageIDs(nowMs: Int64) { messageIDs.forgetOld(nowMs: nowMs) }
}
