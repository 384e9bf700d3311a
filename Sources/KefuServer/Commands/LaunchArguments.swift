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
            if isServing, a == "--host" {
                out.append("--hostname")
            } else if isServing, let eq = a.firstIndex(of: "="), ["--host", "--hostname", "--port"].contains(String(a[..<eq])) {
                // `--host=H` and `--port=P`, as systemd units and scripts often write them.
                let name = String(a[..<eq])
                out.append(name == "--host" ? "--hostname" : name)
                out.append(String(a[a.index(after: eq)...]))
            } else {
                out.append(a)
            }
        }
        vaporArguments = out
    }
}
