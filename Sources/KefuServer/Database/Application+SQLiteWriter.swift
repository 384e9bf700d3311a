import Vapor

extension Application {
    private struct SQLiteWriterKey: StorageKey { typealias Value = SQLiteWriter }

    /// The order writer of a SQLite file database (nil on PostgreSQL and in-memory SQLite,
    /// which another connection cannot share). Stopped, after its queue drains, at shutdown.
    var sqliteWriter: SQLiteWriter? {
        get { storage[SQLiteWriterKey.self] }
        set { storage.set(SQLiteWriterKey.self, to: newValue, onShutdown: { $0.shutdown() }) }
    }

    private struct OrderBatcherKey: StorageKey { typealias Value = OrderBatcher }

    /// The create batcher of a PostgreSQL database (nil on SQLite, which has the writer thread).
    var orderBatcher: OrderBatcher? {
        get { storage[OrderBatcherKey.self] }
        set { storage[OrderBatcherKey.self] = newValue }
    }
}
