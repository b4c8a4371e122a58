/// The fast path's commonest loop at full speed: events grouped densely by visitor, account or
/// nothing (a reduce), with at most an identified filter and a distinct visitor count, read
/// through raw column pointers. It does what the general loop in `aggregateEvents` does for
/// those questions, without the per-event tests that cannot fail there; the fused-path tests
/// hold both to the general path's rows.
extension TenantPipelineData {
    struct DenseScan {
        let dense: FusedKey
        let byUser: Bool
        let byAccount: Bool
        let identified: Bool?
        let needsVisitor: Bool
        let domain: Int
        let firstMs: Int64
        let endMs: Int64
        /// Whether every event of the chunk lies in the range.
        let inside: Bool

        func run(_ chunk: EventColumns, canonical: [UInt32], groups: UnsafeMutableBufferPointer<UInt64>, lastGroup: UnsafeMutableBufferPointer<Int32>?,
                          pairs: inout [UInt64], groupKeys: inout [FusedGroupKey]) {
            let byVisitor = dense == .visitorId, byAccountKey = dense == .accountId
            let none = AccountIndex.none.rawValue, mask = TenantPipelineData.userMask, anonymous = TenantPipelineData.anonymousFlag
            canonical.withUnsafeBufferPointer { canonical in
                chunk.timestamps.withUnsafeBufferPointer { times in
                    chunk.users.withUnsafeBufferPointer { users in
                        chunk.accounts.withUnsafeBufferPointer { accounts in
                            for row in 0..<chunk.count {
                                if !inside, times[row] < firstMs || times[row] >= endMs { continue }
                                let raw = users[row]
                                var u: UInt32 = 0
                                if needsVisitor {
                                    let flagged = canonical[Int(raw)]
                                    if let keep = identified, (flagged & anonymous != 0) == keep { continue }
                                    u = flagged & mask
                                }
                                let account = accounts[row]
                                let d = byVisitor ? Int(u) : byAccountKey ? (account == none ? domain - 1 : Int(account)) : 0
                                var word = groups[d]
                                if word >> 32 == 0 {
                                    word = UInt64(groupKeys.count + 1) << 32
                                    groupKeys.append(FusedGroupKey(user: byUser ? u : 0, account: byAccount ? account : 0, bucket: 0))
                                }
                                groups[d] = word &+ 1
                                if let lastGroup {
                                    let slot = Int32(word >> 32) - 1
                                    if lastGroup[Int(raw)] != slot {
                                        lastGroup[Int(raw)] = slot
                                        pairs.append(UInt64(UInt32(slot)) << 32 | UInt64(canonical[Int(raw)] & mask))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
