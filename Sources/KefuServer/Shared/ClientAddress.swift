import Vapor

extension Request {
    /// The client's address: the socket peer, or the proxy's X-Forwarded-For when the
    /// operator said a proxy is in front (KEFU_TRUST_PROXY).
    var clientAddress: String {
        if kefu.settings.trustProxy, let forwarded = headers.first(name: "X-Forwarded-For")?
            .split(separator: ",").first?.trimmingCharacters(in: .whitespaces), !forwarded.isEmpty {
            return String(forwarded.prefix(64))
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// Whether the client reached us over TLS (directly, or through a trusted proxy).
    var isSecureTransport: Bool {
        if url.scheme == "https" { return true }
        return kefu.settings.trustProxy && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }
}
