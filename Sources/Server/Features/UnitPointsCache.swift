import Foundation
import Registry

/// The registry's UnitPoints for the database version being served (RegistryReader.version): read once per version
/// on a thread of its own, while box pages go on from the packed cells (UnitBoxCells); a new version makes the next box page start a new
/// read (one at a time: while an import writes, versions come faster than reads), and the old points are dropped.
final class UnitPointsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var version: String?
    private var points: UnitPoints?
    private var reading: String?

    /// The points of `version`, or nil (and a read started) when they are not read yet or cannot represent it.
    func current(_ version: String, reader: RegistryReader) -> UnitPoints? {
        lock.lock()
        defer { lock.unlock() }
        if self.version == version { return points }
        if reading == nil {
            reading = version
            Thread.detachNewThread { [self] in
                let read = try? UnitPoints.read(reader.store)
                lock.lock()
                defer { lock.unlock() }
                reading = nil
                // Kept only if nothing was written while reading: the points are then that version's.
                if reader.version() == version { (self.version, points) = (version, read ?? nil) }
            }
        }
        return nil
    }
}
