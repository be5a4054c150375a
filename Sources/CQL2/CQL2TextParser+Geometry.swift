import GeoJSON

/// Well-known text geometry literals of cql2-text: POINT … GEOMETRYCOLLECTION, with an optional Z.
extension CQL2TextParser {
    enum GeometryType: String {
        case point = "POINT", lineString = "LINESTRING", polygon = "POLYGON", multiPoint = "MULTIPOINT"
        case multiLineString = "MULTILINESTRING", multiPolygon = "MULTIPOLYGON", collection = "GEOMETRYCOLLECTION"
    }

    static let geometryTypes: [String: GeometryType] = [
        "POINT": .point, "LINESTRING": .lineString, "POLYGON": .polygon, "MULTIPOINT": .multiPoint,
        "MULTILINESTRING": .multiLineString, "MULTIPOLYGON": .multiPolygon, "GEOMETRYCOLLECTION": .collection,
    ]

    /// Parses the text after the type keyword (already consumed, `t` is that keyword).
    mutating func geometry(_ type: GeometryType, at t: CQL2Token) throws(CQL2Error) -> Geometry {
        try enter()
        defer { depth -= 1 }
        var hasZ = false
        if token.keyword == "Z" {
            hasZ = true
            advance()
        }
        if token.keyword == "EMPTY" {
            throw CQL2Error(.unsupported, "empty geometries are not supported", offset: token.offset, found: "EMPTY",
                            expected: "coordinates in parentheses")
        }
        switch type {
        case .point:
            try expect("(", "POINT needs its coordinates in parentheses")
            let p = try position(hasZ)
            try expect(")", "POINT( is not closed")
            return .point(p)
        case .lineString:
            return .lineString(try lineString(hasZ))
        case .polygon:
            return .polygon(try polygon(hasZ))
        case .multiPoint:
            return .multiPoint(try list(hasZ) { (p: inout CQL2TextParser, z: Bool) throws(CQL2Error) in
                // Both MULTIPOINT((1 2), (3 4)) of the BNF and the common MULTIPOINT(1 2, 3 4).
                if p.token.isSymbol("(") {
                    p.advance()
                    let position = try p.position(z)
                    try p.expect(")", "a point of MULTIPOINT is not closed")
                    return position
                }
                return try p.position(z)
            })
        case .multiLineString:
            return .multiLineString(try list(hasZ) { (p: inout CQL2TextParser, z: Bool) throws(CQL2Error) in try p.lineString(z) })
        case .multiPolygon:
            return .multiPolygon(try list(hasZ) { (p: inout CQL2TextParser, z: Bool) throws(CQL2Error) in try p.polygon(z) })
        case .collection:
            return .geometryCollection(try list(hasZ) { (p: inout CQL2TextParser, _: Bool) throws(CQL2Error) in
                let member = p.token
                guard let k = member.keyword, let type = CQL2TextParser.geometryTypes[k] else {
                    throw p.error("expected a geometry in GEOMETRYCOLLECTION", at: member, expected: "POINT, LINESTRING, POLYGON or a MULTI type")
                }
                p.advance()
                return try p.geometry(type, at: member)
            })
        }
    }

    /// `( item, item, … )`
    mutating func list<T>(_ hasZ: Bool, _ item: (inout CQL2TextParser, Bool) throws(CQL2Error) -> T) throws(CQL2Error) -> [T] {
        try expect("(", "expected '(' to open a list of coordinates")
        var items = [try item(&self, hasZ)]
        while token.isSymbol(",") {
            advance()
            items.append(try item(&self, hasZ))
        }
        try expect(")", "a list of coordinates is not closed")
        return items
    }

    mutating func lineString(_ hasZ: Bool) throws(CQL2Error) -> [Position] {
        let start = token
        let positions = try list(hasZ) { (p: inout CQL2TextParser, z: Bool) throws(CQL2Error) in try p.position(z) }
        guard positions.count >= 2 else {
            throw CQL2Error(.syntax, "a line string needs at least 2 positions, got \(positions.count)", offset: start.offset)
        }
        return positions
    }

    mutating func polygon(_ hasZ: Bool) throws(CQL2Error) -> [LinearRing] {
        try list(hasZ) { (p: inout CQL2TextParser, z: Bool) throws(CQL2Error) in
            let start = p.token
            let positions = try p.list(z) { (p: inout CQL2TextParser, z: Bool) throws(CQL2Error) in try p.position(z) }
            do throws(GeoJSONError) { return try LinearRing(positions) } catch {
                throw CQL2Error(.syntax, error.message, offset: start.offset, expected: "a closed ring of at least 4 positions")
            }
        }
    }

    /// `x y` or `x y z`; with Z declared, the third number is required.
    mutating func position(_ hasZ: Bool) throws(CQL2Error) -> Position {
        coordinates += 1
        guard coordinates <= limits.maxCoordinates else {
            throw CQL2Error(.limit, "the geometry literals have more than \(limits.maxCoordinates) positions", offset: token.offset)
        }
        let x = try signedNumber()
        let y = try signedNumber()
        var z: Double?
        if hasZ || token.isSymbol("-") || token.isSymbol("+") || isNumber(token) {
            z = try signedNumber()
        }
        return Position(x, y, z)
    }

    func isNumber(_ t: CQL2Token) -> Bool {
        if case .number = t.kind { return true }
        return false
    }
}
