import Foundation
import GRDB

/// A longitude/latitude box (WGS 84), checked when made.
public struct BoundingBox: Sendable, Hashable {
    public var minLon, minLat, maxLon, maxLat: Double

    public init(minLon: Double, minLat: Double, maxLon: Double, maxLat: Double) throws {
        guard [minLon, minLat, maxLon, maxLat].allSatisfy(\.isFinite), (-180...180).contains(minLon), (-180...180).contains(maxLon),
              (-90...90).contains(minLat), (-90...90).contains(maxLat), minLon <= maxLon, minLat <= maxLat else {
            throw RegistryError.invalidArgument(field: "bbox", value: "\(minLon),\(minLat),\(maxLon),\(maxLat)",
                                                expected: "minLon,minLat,maxLon,maxLat in WGS 84 degrees with min <= max")
        }
        (self.minLon, self.minLat, self.maxLon, self.maxLat) = (minLon, minLat, maxLon, maxLat)
    }

    /// "minLon,minLat,maxLon,maxLat".
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let a = parts[0], let b = parts[1], let c = parts[2], let d = parts[3] else {
            throw RegistryError.invalidArgument(field: "bbox", value: text, expected: "four numbers minLon,minLat,maxLon,maxLat")
        }
        try self.init(minLon: a, minLat: b, maxLon: c, maxLat: d)
    }
}

/// Units within `radius` metres (geodesic, WGS 84 ellipsoid) of a point.
public struct Proximity: Sendable, Hashable {
    public var lon, lat, radius: Double

    public init(lon: Double, lat: Double, radius: Double) throws {
        guard lon.isFinite, lat.isFinite, (-180...180).contains(lon), (-90...90).contains(lat) else {
            throw RegistryError.invalidArgument(field: "near", value: "\(lon),\(lat)", expected: "LON,LAT in WGS 84 degrees")
        }
        guard radius.isFinite, radius > 0, radius <= 100_000 else {
            throw RegistryError.invalidArgument(field: "radius", value: "\(radius)", expected: "metres greater than 0 and at most 100000")
        }
        (self.lon, self.lat, self.radius) = (lon, lat, radius)
    }
}

/// Where a page starts: after the row with this sort value and id (keyset paging), or at an offset.
public struct PageRequest: Sendable {
    public var limit: Int?
    public var offset: Int
    public var after: PageCursor?

    /// The largest offset asked for: far past any registry's end (a page there is empty), and small enough that
    /// adding a page's length to it cannot overflow.
    public static let maximumOffset = 1_000_000_000_000

    public init(limit: Int? = nil, offset: Int = 0, after: PageCursor? = nil) throws {
        if let limit, limit < 0 { throw RegistryError.invalidArgument(field: "limit", value: "\(limit)", expected: "0 or more") }
        guard (0...PageRequest.maximumOffset).contains(offset) else {
            throw RegistryError.invalidArgument(field: "offset", value: "\(offset)", expected: "a whole number from 0 to \(PageRequest.maximumOffset)")
        }
        (self.limit, self.offset, self.after) = (limit, offset, after)
    }

    public static let all = try! PageRequest()
}

/// An opaque position in a sorted list: the last row's sort values (one per sort key) and id, as URL-safe text.
public struct PageCursor: Sendable, Hashable {
    /// The most sort keys a cursor carries (and so a sort may have).
    public static let maximumKeys = 8
    public var values: [DatabaseValue]
    public var id: Int64
    /// The sort the cursor was made for ("name,-registered_on"): given to a list in another order, its values would
    /// be compared with other columns, and rows lost or repeated. Empty for the id order.
    public var order: String

    /// The first sort key's value (the only one of a single-key sort).
    public var value: DatabaseValue { values.first ?? .null }

    public init(value: DatabaseValue, id: Int64) {
        self.init(values: [value], id: id)
    }

    public init(values: [DatabaseValue], id: Int64, order: String = "") {
        self.values = values
        self.id = id
        self.order = order
    }

    /// The text of a sort as cursors carry it: each key, `-` in front when descending, separated by commas.
    public static func order(_ keys: [(name: String, descending: Bool)]) -> String {
        keys.map { ($0.descending ? "-" : "") + $0.name }.joined(separator: ",")
    }

    /// Refuses a cursor made for another sort than `order`, of `keyCount` keys.
    public func check(order expected: String, keyCount: Int) throws {
        guard values.count != keyCount || order != expected else { return }
        func named(_ order: String) -> String { order.isEmpty ? "the id order" : order }
        throw RegistryError.invalidArgument(field: "cursor", value: encoded,
                                            expected: "a cursor made for this list's sort, \(named(expected)) (this one was made for \(named(order)))")
    }

    /// Reads a cursor given by an earlier page: `["o", order, tag, value, tag, value, …, id]` in base64url JSON (tags:
    /// t text, d real as text, r real as a JSON number (earlier cursors), i integer, n null).
    public init(encoded: String) throws {
        let bad = RegistryError.invalidArgument(field: "cursor", value: encoded, expected: "the cursor of an earlier page, unchanged")
        var b64 = encoded.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        guard encoded.count <= 2048, let data = Data(base64Encoded: b64),
              let array = try? JSONSerialization.jsonObject(with: data) as? [Any], array.count % 2 == 1,
              array.count <= 2 * PageCursor.maximumKeys + 3, let id = (array.last as? NSNumber)?.int64Value else { throw bad }
        values = []
        order = ""
        for k in stride(from: 0, to: array.count - 1, by: 2) {
            switch (array[k] as? String, array[k + 1]) {
            case ("o", let s as String) where k == 0: order = s
            case ("t", let s as String): values.append(s.databaseValue)
            case ("d", let s as String):  // a real as its shortest exact text (Swift's description)
                guard let d = Double(s), d.isFinite else { throw bad }
                values.append(d.databaseValue)
            case ("r", let n as NSNumber): values.append(n.doubleValue.databaseValue)  // the earlier form
            case ("i", let n as NSNumber): values.append(n.int64Value.databaseValue)
            case ("n", _): values.append(.null)
            default: throw bad
            }
        }
        self.id = id
    }

    public var encoded: String {
        // An id alone (pages in id order, nearly every next link): the same text JSONSerialization writes, without it.
        if values.isEmpty { return PageCursor.base64URL(Data("[\(id)]".utf8)) }
        var array: [Any] = order.isEmpty ? [] : ["o", order]
        for value in values {
            switch value.storage {
            case .string(let s): array += ["t", s]
            // As text: JSONSerialization writes a double with too few digits to read back the same one, and a
            // cursor in a run of equal values (relevance, distance) then started the page again, forever.
            case .double(let d): array += ["d", "\(d)"]
            case .int64(let i): array += ["i", i]
            case .null: array += ["n", 0]
            default: array += ["t", ""]
            }
        }
        array.append(id)
        return PageCursor.base64URL(try! JSONSerialization.data(withJSONObject: array))
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A sort key by name, with `-` in front for descending ("-registered_on").
public struct Sorting<Key: RawRepresentable & CaseIterable & Sendable>: Sendable where Key.RawValue == String {
    public var key: Key
    public var descending: Bool

    public init(_ key: Key, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let descending = trimmed.hasPrefix("-")
        let name = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
        guard let key = Key(rawValue: name) else {
            throw RegistryError.invalidArgument(field: "sort", value: text,
                                                expected: "one of " + Key.allCases.map(\.rawValue).joined(separator: ", ") + " (prefix - for descending)")
        }
        self.init(key, descending: descending)
    }
}
