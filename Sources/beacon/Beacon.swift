import ArgumentParser

@main
struct Beacon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beacon",
        abstract: "Beacon: a real-time, in-memory product-analytics engine.",
        subcommands: [ServeCommand.self, ImportCommand.self, GenerateCommand.self, SnapshotCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
