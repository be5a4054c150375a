import GRDB

/// A bulk write's journal. In WAL mode every page a large import writes goes to the log and then, at the
/// checkpoint, into the database: a million units wrote 1.9 GB for a 780 MB file and read it back. In a rollback
/// journal, pages past the database's old end are written once and only the old pages the write changes are
/// copied to the journal first; the commit stays atomic. The database leaves WAL mode only when no other
/// connection, in this process or another, has it open (SQLite refuses otherwise and the write stays in WAL,
/// where readers keep their snapshot), and goes back to it as soon as the write ends, committed or not.
struct RollbackJournal {
    /// The connection's `synchronous` setting in WAL mode, to put back; nil when the database stayed in WAL.
    private let synchronous: Int?

    static func enter(_ writer: any DatabaseWriter) throws -> RollbackJournal {
        guard let pool = writer as? DatabasePool else { return RollbackJournal(synchronous: nil) }
        pool.releaseMemory()  // closes this process's idle readers, which would keep the file in WAL mode
        let synchronous = try? pool.writeWithoutTransaction { db -> Int? in
            let wal = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 1
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete" else { return nil }
            // NORMAL, GRDB's choice for WAL, is not safe from a power cut in a rollback journal; FULL is. Once the
            // mode is changed, `leave` must change it back whatever happens here.
            try? db.execute(sql: "PRAGMA synchronous = FULL")
            return wal
        }
        return RollbackJournal(synchronous: synchronous ?? nil)
    }

    /// Back to WAL. Should a reader that opened meanwhile be reading, the busy timeout waits for it; should it
    /// still fail, the file stays in a rollback journal, which every reader reads, until the next write opens it.
    func leave(_ writer: any DatabaseWriter) {
        guard let synchronous, let pool = writer as? DatabasePool else { return }
        pool.releaseMemory()
        _ = try? pool.writeWithoutTransaction { db in
            if try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" {
                try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            }
        }
    }
}
