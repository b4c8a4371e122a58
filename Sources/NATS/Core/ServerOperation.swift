/// One complete unit the server sends, as the parser yields it.
enum ServerOperation: Sendable, Equatable {
    case info(NATSServerInfo)
    case message(sid: UInt64, NATSMessage)
    case ok
    case error(String)
    case ping
    case pong
}
