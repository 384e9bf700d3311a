/// The command line as Kefu accepts it, turned into what Vapor's command system expects.
public struct LaunchArguments: Sendable {
    public let vaporArguments: [String]
    public let simulatedClock: Bool
    /// `serve` and `demo` run the deadline sweeper; one-off commands don't.
    public let isServing: Bool

    public init(_ args: [String]) {
        simulatedClock = args.contains("--simulated-clock")
        let command = args.dropFirst().first { !$0.hasPrefix("-") }
        isServing = command == nil || command == "serve" || command == "demo"
        // Vapor's serve calls it --hostname; other commands (cti connect) have their own --host.
        var out: [String] = []
        for a in args where a != "--simulated-clock" {
            out.append(a == "--host" && isServing ? "--hostname" : a)
        }
        vaporArguments = out
    }
}
