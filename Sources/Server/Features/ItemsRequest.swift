import CQL2
import Foundation
import GRDB
import GeoJSON
import Registry

/// The parameters of `/collections/{id}/items`, checked and turned into the query layer's terms: a unit filter, a
/// selection on the layer's properties and a page. Every refusal names the parameter, the value and what was expected.
struct ItemsRequest {
    static let defaultLimit = 10
    static let maximumLimit = 10_000

    let collection: Collection
    var filter: UnitFilter
    var selection = FeatureSelection()
    var limit = ItemsRequest.defaultLimit
    /// Where this page starts in the whole list (an offset, or the position a cursor carries).
    var position = 0
    var crs = ServerCRS.crs84
    /// Which cached numberMatched this request may reuse (see CountCache).
    var countKey = ""
    /// The database version the request was answered for (RegistryReader.version), for the per-version statements (LayerQueryMemo).
    var version = ""

    static let fixedParameters: Set<String> = [
        "f", "limit", "offset", "cursor", "bbox", "bbox-crs", "datetime", "sortby", "properties", "q",
        "filter", "filter-lang", "filter-crs", "crs",
    ]

    init(_ collection: Collection, _ query: QueryParameters, today: LocalDate) throws {
        self.collection = collection
        let propertyNames = collection.propertyNames
        for name in query.names where !ItemsRequest.fixedParameters.contains(name) && !propertyNames.contains(name) {
            throw OGCError.invalid(name, query[name] ?? "", expected: "a parameter of this API: "
                + ItemsRequest.fixedParameters.sorted().joined(separator: ", ") + ", or a property of \(collection.id) to filter on")
        }
        filter = UnitFilter(asOf: today)
        if let c = query["crs"] { crs = try ServerCRS.parse(c, parameter: "crs") }
        try readPage(query)
        try readBBox(query)
        try readPropertyFilters(query, propertyNames: propertyNames)
        try readSearch(query)
        try readFilter(query)
        if let d = query["datetime"] { try readDatetime(d, today: today) }
        if let s = query["sortby"] { selection.sortBy = try ItemsRequest.sortKeys(s) }
        if let layer = collection.layer { selection.nameTerms(of: layer, on: filter.asOf) }
        if let p = query["properties"] {
            selection.properties = Set(p.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }

    mutating func readPage(_ query: QueryParameters) throws {
        if let l = query["limit"] {
            if let n = Int(l), n >= 1 {
                limit = min(n, ItemsRequest.maximumLimit)
            } else if !l.isEmpty, l.utf8.allSatisfy({ (0x30...0x39).contains($0) }), l.contains(where: { $0 != "0" }) {
                limit = ItemsRequest.maximumLimit  // larger than any integer: still above the maximum
            } else {
                throw OGCError.invalid("limit", l, expected: "a whole number from 1 (larger numbers give \(ItemsRequest.maximumLimit))")
            }
        }
        var after: PageCursor?
        if let c = query["cursor"] {
            let parts = c.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let p = Int(parts[0]), (0...PageRequest.maximumOffset).contains(p), let cursor = try? PageCursor(encoded: String(parts[1])) else {
                throw OGCError.invalid("cursor", c, expected: "the cursor of a next link, unchanged")
            }
            after = cursor
            position = p
        } else if let o = query["offset"] {
            guard let n = Int(o), (0...PageRequest.maximumOffset).contains(n) else {
                throw OGCError.invalid("offset", o, expected: "a whole number from 0 to \(PageRequest.maximumOffset)")
            }
            position = n
        }
        selection.page = try PageRequest(limit: limit, offset: after == nil ? position : 0, after: after)
    }

    /// `bbox` in `bbox-crs` (default CRS84): a CRS84 box for the unit filter's index, and for other CRS the exact box
    /// (its edges densified, then through PROJ: `ServerCRS.densifiedInCRS84`) as a spatial condition.
    mutating func readBBox(_ query: QueryParameters) throws {
        let bboxCRS = try query["bbox-crs"].map { try ServerCRS.parse($0, parameter: "bbox-crs") } ?? .crs84
        guard let text = query["bbox"] else {
            if let c = query["bbox-crs"] { throw OGCError.invalid("bbox-crs", c, expected: "to come with a bbox") }
            return
        }
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4 || numbers.count == 6, numbers.allSatisfy({ $0?.isFinite == true }) else {
            throw OGCError.invalid("bbox", text, expected: "four numbers (or six with heights) separated by commas: lower left x,y then upper right x,y in \(bboxCRS.uri)")
        }
        let n = numbers.map { $0! }
        let (x1, y1, x2, y2) = n.count == 4 ? (n[0], n[1], n[2], n[3]) : (n[0], n[1], n[3], n[4])
        guard x1 <= x2, y1 <= y2 else { throw OGCError.invalid("bbox", text, expected: "the lower corner first, each coordinate at most the upper one's") }
        let corners = [Position(x1, y1), Position(x2, y1), Position(x2, y2), Position(x1, y2), Position(x1, y1)]
        guard let ring = bboxCRS.densifiedInCRS84(corners, try bboxCRS.toCRS84()) else {
            throw OGCError.invalid("bbox", text, expected: "coordinates inside the area of \(bboxCRS.uri)")
        }
        let box: BoundingBox
        do {
            box = try BoundingBox(minLon: ring.map(\.x).min()!, minLat: ring.map(\.y).min()!,
                                  maxLon: ring.map(\.x).max()!, maxLat: ring.map(\.y).max()!)
        } catch {
            throw OGCError.invalid("bbox", text, expected: "a box within longitudes -180..180 and latitudes -90..90 (\(bboxCRS.uri) axis order)")
        }
        // A unit's point in the box (through the packed cells), unless the layer's geometry is more than its point:
        // a market's footprint may cross the box while its point lies outside (the condition below tests it).
        if collection.isUnitBased && collection.geometryIsPoint { filter.bbox = box }
        if bboxCRS.projected || !collection.geometryIsPoint {
            let polygon = Geometry.polygon([try LinearRing(ring)])
            try addCondition(.spatial(.intersects, .property("geometry"), .geometry(polygon)))
        }
    }

    mutating func readPropertyFilters(_ query: QueryParameters, propertyNames: Set<String>) throws {
        for name in query.names where propertyNames.contains(name) {
            let value = query[name]!
            let values = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if collection.isUnitBased, name == "kind" {
                filter.kinds = try values.map { v in
                    guard let k = UnitKind(rawValue: v) else {
                        throw OGCError.invalid("kind", v, expected: "one of " + UnitKind.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return k
                }
                continue
            }
            if collection.isUnitBased, name == "status", collection.layer != .instruments, collection.layer != .due {
                filter.statuses = try values.map { v in
                    guard let s = UnitStatus(rawValue: v) else {
                        throw OGCError.invalid("status", v, expected: "one of " + UnitStatus.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return s
                }
                continue
            }
            let property = collection.properties.first { $0.name == name }!
            let literal: CQL2Expression
            switch property.type {
            case .integer:
                guard let i = Int64(value), i.magnitude < 1_000_000_000_000_000 else { throw OGCError.invalid(name, value, expected: "a whole number") }
                literal = .number(Double(i))
            case .real:
                guard let d = Double(value), d.isFinite, abs(d) < 1e15 else { throw OGCError.invalid(name, value, expected: "a number") }
                literal = .number(d)
            case .boolean:
                guard value == "true" || value == "false" else { throw OGCError.invalid(name, value, expected: "true or false") }
                literal = .boolean(value == "true")
            case .date:
                guard let d = CQL2Date(value) else { throw OGCError.invalid(name, value, expected: "a date YYYY-MM-DD") }
                literal = .date(d)
            case .timestamp:
                guard let t = ItemsRequest.utcTimestamp(value) else {
                    throw OGCError.invalid(name, value, expected: "an RFC 3339 timestamp such as 2026-11-30T08:00:00Z")
                }
                literal = .timestamp(t)
            case .text:
                literal = .string(value)
            }
            try addCondition(.comparison(.equal, .property(name), literal))
        }
    }

    /// `q`: words of the name, owner, address or codes with diacritics and case ignored (the registry's search);
    /// for wards, words of the name.
    mutating func readSearch(_ query: QueryParameters) throws {
        guard let q = query["q"] else { return }
        let words = q.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        // Words of letters or digits: the registry's search finds nothing else ("%", "*" or quotes alone).
        guard !words.isEmpty, q.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw OGCError.invalid("q", q, expected: "one or more words of letters or digits")
        }
        if collection.isUnitBased {
            filter.search = words.joined(separator: " ")
        } else if !collection.propertyNames.contains("name") {
            throw OGCError.invalid("q", q, expected: "no q on \(collection.id), which has no name property to search: a filter on its properties "
                + "(filter=casei(accenti(prop)) LIKE '%…%')")
        } else {
            for w in words {
                try addCondition(.like(.accenti(.casei(.property("name"))), pattern: .accenti(.casei(.string("%" + ItemsRequest.likeEscaped(w) + "%")))))
            }
        }
    }

    static func likeEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }

    mutating func readFilter(_ query: QueryParameters) throws {
        let language = query["filter-lang"] ?? "cql2-text"
        guard language == "cql2-text" || language == "cql2-json" else {
            throw OGCError.invalid("filter-lang", language, expected: "cql2-text or cql2-json")
        }
        let filterCRS = try query["filter-crs"].map { try ServerCRS.parse($0, parameter: "filter-crs") } ?? .crs84
        guard let text = query["filter"] else { return }
        let expression = language == "cql2-json" ? try CQL2Expression.parse(json: text) : try CQL2Expression.parse(text: text)
        try addCondition(try filterCRS.filterInCRS84(expression, text: text))
    }

    /// A CQL2 condition on the layer's properties, translated with bound values only.
    mutating func addCondition(_ e: CQL2Expression) throws {
        let translated = try CQL2SQLiteTranslator(queryables: collection.queryables).translate(e)
        let arguments = StatementArguments(translated.arguments.map { v -> DatabaseValue in
            switch v {
            case .text(let s): s.databaseValue
            case .integer(let i): i.databaseValue
            case .real(let d): d.databaseValue
            }
        })
        selection.conditions.append(SQL(sql: translated.sql, arguments: arguments))
    }

    /// `sortby=+kind,-name`: property names in order, `-` in front for descending (`+` or nothing ascending).
    /// The names are checked against the layer's properties when the statement is made.
    static func sortKeys(_ text: String) throws -> [FeatureSortKey] {
        let keys = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try keys.map { key in
            var name = Substring(key)
            var descending = false
            if name.hasPrefix("-") { descending = true; name.removeFirst() } else if name.hasPrefix("+") { name.removeFirst() }
            guard !name.isEmpty else {
                throw OGCError.invalid("sortby", text, expected: "property names separated by commas, each with - in front for descending (+ or nothing for ascending)")
            }
            return FeatureSortKey(property: String(name), descending: descending)
        }
    }

    /// A date, or a timestamp's UTC date: the day the registry is read on.
    static func date(_ text: String) throws -> LocalDate {
        if let d = LocalDate(iso: text) { return d }
        if let t = utcTimestamp(text), let d = LocalDate(iso: String(t.text.prefix(10))) { return d }
        throw OGCError.invalid("datetime", text, expected: "a date YYYY-MM-DD or an RFC 3339 timestamp such as 2025-07-01T00:00:00Z")
    }
}

extension ItemsRequest {
    /// An RFC 3339 timestamp as UTC: `…Z` as it is, `…+07:00` or `…-05:30` moved by its offset (CQL2's own
    /// TIMESTAMP literal takes Z only; `datetime` takes what RFC 3339 allows).
    static func utcTimestamp(_ text: String) -> CQL2Timestamp? {
        if let t = CQL2Timestamp(text) { return t }
        let u = Array(text.utf8)
        guard u.count >= 25, u[u.count - 3] == 0x3A, u[u.count - 6] == 0x2B || u[u.count - 6] == 0x2D,
              let oh = Int(String(decoding: u[(u.count - 5)..<(u.count - 3)], as: UTF8.self)),
              let om = Int(String(decoding: u[(u.count - 2)...], as: UTF8.self)), oh < 24, om < 60,
              let local = CQL2Timestamp(String(decoding: u[..<(u.count - 6)], as: UTF8.self) + "Z"),
              let day = LocalDate(iso: String(local.text.prefix(10))),
              let h = Int(local.text.dropFirst(11).prefix(2)), let m = Int(local.text.dropFirst(14).prefix(2))
        else { return nil }
        let sign = u[u.count - 6] == 0x2B ? 1 : -1
        let minutes = h * 60 + m - sign * (oh * 60 + om)
        let days = Int((Double(minutes) / 1440).rounded(.down)), inDay = minutes - days * 1440
        let shifted = day.adding(days: days).description + "T" + String(format: "%02d:%02d", inDay / 60, inDay % 60)
        return CQL2Timestamp(shifted + String(local.text.dropFirst(16)))
    }

    /// `datetime`: an instant or an interval (`a/b`, `../b`, `a/..`). For the registry's layers it is the day the
    /// registry is read on (an interval's end, today when open); where the collection has dates of its own (a reference
    /// layer's, an inspection's day) the features must also intersect it in time.
    mutating func readDatetime(_ text: String, today: LocalDate) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, parts.count <= 2, !(parts.count == 2 && parts.allSatisfy { $0 == ".." || $0.isEmpty }) else {
            throw OGCError.invalid("datetime", text, expected: "a date or timestamp, or an interval a/b with .. for an open end (not both)")
        }
        // Each bound as a date or a UTC timestamp, and its text (YYYY-MM-DD, or YYYY-MM-DDTHH:MM… in UTC) to compare.
        var bounds: [String?] = []
        func instant(_ s: String) throws -> CQL2Expression {
            if s == ".." || s.isEmpty { bounds.append(nil); return .unbounded }
            if let d = CQL2Date(s) { bounds.append(s); return .date(d) }
            if let t = ItemsRequest.utcTimestamp(s), LocalDate(iso: String(t.text.prefix(10))) != nil {
                // CQL2Timestamp's text ends with its Z: without it, 10:00:00 comes before 10:00:00.5 as text.
                bounds.append(String(t.text.dropLast()))
                return .timestamp(t)
            }
            throw OGCError.invalid("datetime", text, expected: "dates YYYY-MM-DD or RFC 3339 timestamps such as 2025-07-01T00:00:00Z")
        }
        let literals = try parts.map(instant)
        // An interval that ends before it starts is none (a date reaches to the end of its day).
        if bounds.count == 2, let start = bounds[0], let end = bounds[1],
           start.prefix(10) > end.prefix(10) || (start.count > 10 && end.count > 10 && start > end) {
            throw OGCError.invalid("datetime", text, expected: "an interval whose start is not after its end")
        }
        if layer != nil {
            if let end = parts.last, end != "..", !end.isEmpty { filter.asOf = try ItemsRequest.date(end) } else { filter.asOf = today }
            if parts.count == 1 { return }  // one day: the registry as it was then (inspections up to it)
        }
        guard let property = collection.temporalProperty else {
            if parts.count == 2, let layer {
                // An interval: the registry as it was at its end (above), which holds the features that began by then;
                // of the units, those not closed before its start (a unit lives from its registration to its closing).
                if [.units, .markets, .stalls].contains(layer), let start = parts.first, start != "..", !start.isEmpty,
                   let day = CQL2Date(try ItemsRequest.date(start).description) {
                    try addCondition(.not(.and([.comparison(.equal, .property("status"), .string("closed")),
                                                .comparison(.less, .property("status_since"), .date(day))])))
                }
                return
            }
            if layer == nil { throw OGCError.invalid("datetime", text, expected: "no datetime: \(collection.id) has no dates") }
            return
        }
        let literal = literals.count == 2 ? CQL2Expression.interval(literals[0], literals[1]) : literals[0]
        try addCondition(.temporal(.intersects, property, literal))
    }

    var layer: FeatureLayer? { collection.layer }
}
