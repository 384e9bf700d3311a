import Leaf
import LeafKit
import NIOCore

/// Leaf's template cache, kept on whatever the environment. Vapor's Leaf provider switches
/// the shared cache off on every render outside `--env production` (it sets `isEnabled =
/// false` on the one `DefaultLeafCache` instance), so setting it on once at start lasted
/// until the first page: every page then re-read and re-lexed its templates, 3 % of the
/// server's CPU on a floor of polling workspaces (perf, center benchmark). Templates ship
/// with the binary and do not change while it runs; restart to see an edit.
final class PinnedLeafCache: LeafCache, @unchecked Sendable {
    // The wrapped cache guards its dictionary with its own lock; `isEnabled` never changes.
    private let base = DefaultLeafCache()

    init() { base.isEnabled = true }

    /// Always on: the setter is Leaf's development switch, and it is ignored.
    var isEnabled: Bool {
        get { true }
        set {}
    }

    var count: Int { base.count }

    func insert(_ document: LeafAST, on loop: any EventLoop, replace: Bool) -> EventLoopFuture<LeafAST> {
        base.insert(document, on: loop, replace: replace)
    }

    func retrieve(documentName: String, on loop: any EventLoop) -> EventLoopFuture<LeafAST?> {
        base.retrieve(documentName: documentName, on: loop)
    }

    func remove(_ documentName: String, on loop: any EventLoop) -> EventLoopFuture<Bool?> {
        base.remove(documentName, on: loop)
    }
}
