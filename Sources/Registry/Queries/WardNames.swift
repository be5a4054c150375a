import GRDB

/// Every ward's code and name by id (all periods), read once with a layer's statement: a page of units then reads
/// each unit's ward id and names it from here, rather than joining admin_units per row (a third of a 10 000-unit
/// page's SQL). Wards are a few dozen rows; ids index an array, so naming a row is two loads.
public struct WardNames: Sendable {
    /// Which of a ward's texts a property holds.
    public enum Field: Sendable { case code, name }

    /// The UTF-8 bytes of every code and name, end to end, and one byte more (so an empty text has an address).
    private let bytes: [UInt8]
    /// Per id, where its code and its name are in `bytes`; nil when the id is no ward.
    private let spans: [(code: Range<Int>, name: Range<Int>)?]

    /// Ids above this keep the join (a registry whose wards' ids are that large is not one this table suits).
    static let largestId: Int64 = 1 << 16

    init(_ wards: [(id: Int64, code: String, name: String)]) {
        var bytes: [UInt8] = []
        var spans = [(code: Range<Int>, name: Range<Int>)?](repeating: nil, count: Int(wards.map(\.id).max() ?? -1) + 1)
        for w in wards {
            let codeStart = bytes.count
            bytes += Array(w.code.utf8)
            let nameStart = bytes.count
            bytes += Array(w.name.utf8)
            spans[Int(w.id)] = (codeStart..<nameStart, nameStart..<bytes.count)
        }
        self.bytes = bytes + [0]
        self.spans = spans
    }

    /// The wards of the registry, or nil when an id is too large to index an array.
    static func read(_ db: Database) throws -> WardNames? {
        let rows = try Row.fetchAll(db, sql: "SELECT id, code, name FROM admin_units WHERE level = 'ward' ORDER BY id")
        let wards = rows.map { (id: $0[0] as Int64, code: $0[1] as String, name: $0[2] as String) }
        guard wards.allSatisfy({ (0...WardNames.largestId).contains($0.id) }) else { return nil }
        return WardNames(wards)
    }

    /// The code or name of ward `id`, with no address when `id` is no ward the table holds.
    @inline(__always) public func text(_ id: Int64, _ field: Field, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard id >= 0, id < spans.count, let span = spans[Int(id)] else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[field == .code ? span.code : span.name])) }
    }

    /// Ids from 0 up to this may name a ward (`text` names none for the others).
    public var idLimit: Int { spans.count }

    /// Each ward's id, code and name, in id order: for a writer that keeps them in a form of its own.
    public func forEach(_ body: (_ id: Int, _ code: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            for id in spans.indices {
                guard let span = spans[id] else { continue }
                body(id, UnsafeBufferPointer(rebasing: all[span.code]), UnsafeBufferPointer(rebasing: all[span.name]))
            }
        }
    }
}
