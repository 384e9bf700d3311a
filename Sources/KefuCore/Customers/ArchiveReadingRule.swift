/// When a person's reading of customer archives needs a look (查阅登记, R5.5; seed 003 2.4:
/// archives are read under registration and not lent; 002 保密制度: no leaking customer
/// data). An agent opens an archive because of a call or an order, so reads are set against
/// the contacts that explain them: a few reads are never questioned, and beyond those, more
/// than `readsPerContact` reads per call answered or order created is flagged on the
/// register's page for the inspector to ask about.
public struct ArchiveReadingRule: Sendable, Equatable {
    /// Reads in the period that are never flagged (a team lead looking into a complaint).
    public var freeReads: Int
    /// Reads per contact still explained by the work.
    public var readsPerContact: Int

    public init(freeReads: Int = 20, readsPerContact: Int = 2) {
        self.freeReads = freeReads
        self.readsPerContact = readsPerContact
    }

    /// `reads`: archives opened in the period; `contacts`: calls answered and orders created
    /// in the same period.
    public func isUnusual(reads: Int, contacts: Int) -> Bool {
        reads > freeReads && reads > readsPerContact * max(0, contacts)
    }
}
