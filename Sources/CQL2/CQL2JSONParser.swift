import GeoJSON

/// Reads cql2-json into the same tree as cql2-text. The JSON itself is decoded by the GeoJSON target's strict
/// parser; this walks the value, naming the JSON path of anything it refuses.
struct CQL2JSONParser {
    let limits: CQL2Limits
    var coordinates = 0

    func error(_ message: String, at path: String, found: JSONValue? = nil, expected: String? = nil) -> CQL2Error {
        error(.syntax, message, at: path, found: found, expected: expected)
    }

    func error(_ kind: CQL2Error.Kind, _ message: String, at path: String, found: JSONValue? = nil,
               expected: String? = nil) -> CQL2Error {
        CQL2Error(kind, message, jsonPath: path, found: found.map(CQL2JSONParser.shown), expected: expected)
    }

    static func shown(_ v: JSONValue) -> String {
        let text = JSONText.encode(v)
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }

    mutating func filter(_ value: JSONValue) throws(CQL2Error) -> CQL2Expression {
        let e = try expression(value, path: "", depth: 1)
        guard CQL2Expression.logicalOperands.contains(e.kind) else {
            throw error(.invalidOperand, "a filter must be a predicate, but this is \(CQL2Expression.kindName(e))", at: "",
                        expected: "a comparison, spatial, temporal or logical expression")
        }
        return e
    }

    mutating func expression(_ value: JSONValue, path: String, depth: Int) throws(CQL2Error) -> CQL2Expression {
        guard depth <= limits.maxDepth else {
            throw error(.limit, "the filter nests deeper than \(limits.maxDepth) levels", at: path)
        }
        switch value {
        case .bool(let b): return .boolean(b)
        case .int(let i): return .number(Double(i))
        case .double(let d):
            guard d.isFinite else { throw error("number out of range", at: path, found: value, expected: "a number of magnitude below 1.8e308") }
            return .number(d)
        case .string(let s): return .string(s)
        case .null: throw error("null is not a CQL2 value", at: path, found: value, expected: "an expression (use isNull to test for null)")
        case .array(let items):
            var out: [CQL2Expression] = []
            for (i, item) in items.enumerated() {
                out.append(try expression(item, path: "\(path)[\(i)]", depth: depth + 1))
            }
            return .array(out)
        case .object(let members):
            return try object(members, value, path: path, depth: depth)
        }
    }

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func object(_ members: [(String, JSONValue)], _ value: JSONValue, path: String, depth: Int) throws(CQL2Error) -> CQL2Expression {
        let keys = Set(members.map(\.0))
        if keys.contains("op") {
            guard case .string(let op)? = value["op"] else { throw error("\"op\" must be a string", at: join(path, "op"), found: value["op"]) }
            guard case .array(let items)? = value["args"] else {
                throw error("\"\(op)\" needs \"args\", an array", at: join(path, "args"), found: value["args"], expected: "an array of operands")
            }
            var args: [CQL2Expression] = []
            for (i, item) in items.enumerated() {
                args.append(try expression(item, path: "\(join(path, "args"))[\(i)]", depth: depth + 1))
            }
            do {
                return try CQL2Expression.make(op: op, args: args)
            } catch {
                let at = error.index.map { "\(join(path, "args"))[\($0)]" } ?? path
                throw CQL2Error(.invalidOperand, error.message, jsonPath: at, expected: error.expected)
            }
        }
        if keys == ["property"] {
            guard case .string(let name)? = value["property"], !name.isEmpty else {
                throw error("\"property\" must be a non-empty string", at: join(path, "property"), found: value["property"])
            }
            return .property(name)
        }
        if keys == ["date"] {
            guard case .string(let s)? = value["date"], let d = CQL2Date(s) else {
                throw error("not a valid date", at: join(path, "date"), found: value["date"], expected: "\"YYYY-MM-DD\" naming a real day")
            }
            return .date(d)
        }
        if keys == ["timestamp"] {
            guard case .string(let s)? = value["timestamp"], let t = CQL2Timestamp(s) else {
                throw error("not a valid timestamp", at: join(path, "timestamp"), found: value["timestamp"],
                            expected: "\"YYYY-MM-DDTHH:MM:SS[.fraction]Z\" in UTC")
            }
            return .timestamp(t)
        }
        if keys == ["interval"] { return try interval(value, path: join(path, "interval"), depth: depth) }
        if keys == ["bbox"] {
            guard case .array(let items)? = value["bbox"], items.count == 4 || items.count == 6 else {
                throw error("\"bbox\" must be an array of 4 or 6 numbers", at: join(path, "bbox"), found: value["bbox"])
            }
            var numbers: [Double] = []
            for (i, item) in items.enumerated() {
                guard let d = item.number, d.isFinite else {
                    throw error("a bbox value must be a finite number", at: "\(join(path, "bbox"))[\(i)]", found: item)
                }
                numbers.append(d)
            }
            return .bbox(numbers)
        }
        if keys.contains("type") { return try geometry(value, path: path) }
        throw error("unknown object", at: path, found: value,
                    expected: "an object with \"op\" and \"args\", \"property\", \"date\", \"timestamp\", \"interval\", \"bbox\" or a GeoJSON geometry")
    }

    mutating func interval(_ value: JSONValue, path: String, depth: Int) throws(CQL2Error) -> CQL2Expression {
        guard case .array(let items)? = value["interval"], items.count == 2 else {
            throw error("\"interval\" must be an array of 2 bounds", at: path, found: value["interval"])
        }
        var bounds: [CQL2Expression] = []
        for (i, item) in items.enumerated() {
            let at = "\(path)[\(i)]"
            if case .string(let s) = item {
                if s == ".." { bounds.append(.unbounded) }
                else if let d = CQL2Date(s) { bounds.append(.date(d)) }
                else if let t = CQL2Timestamp(s) { bounds.append(.timestamp(t)) }
                else { throw error("not a valid interval bound", at: at, found: item, expected: "\"YYYY-MM-DD\", \"YYYY-MM-DDTHH:MM:SSZ\" or \"..\"") }
            } else {
                bounds.append(try expression(item, path: at, depth: depth + 1))
            }
        }
        do {
            return try CQL2Expression.makeInterval(bounds[0], bounds[1])
        } catch {
            throw CQL2Error(.invalidOperand, error.message, jsonPath: "\(path)[\(error.index ?? 0)]", expected: error.expected)
        }
    }

    mutating func geometry(_ value: JSONValue, path: String) throws(CQL2Error) -> CQL2Expression {
        let g: Geometry
        do throws(GeoJSONError) {
            g = try GeoJSONDecoding.geometry(value)
        } catch {
            throw self.error("not a valid GeoJSON geometry: \(error.message)", at: path, found: value)
        }
        let positions = g.positions
        coordinates += positions.count
        guard coordinates <= limits.maxCoordinates else {
            throw self.error(.limit, "the geometry literals have more than \(limits.maxCoordinates) positions", at: path)
        }
        guard positions.allSatisfy({ $0.x.isFinite && $0.y.isFinite && ($0.z?.isFinite ?? true) }) else {
            throw self.error("a coordinate is out of range", at: path, expected: "finite numbers")
        }
        return .geometry(g)
    }
}

private extension JSONValue {
    var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}

extension CQL2Expression {
    /// Parses a cql2-json filter. Throws `CQL2Error` naming the JSON path, what was found and what was expected.
    public static func parse(json: String, limits: CQL2Limits = .standard) throws(CQL2Error) -> CQL2Expression {
        let bytes = Array(json.utf8)
        guard bytes.count <= limits.maxLength else {
            throw CQL2Error(.limit, "the filter is \(bytes.count) bytes long", expected: "at most \(limits.maxLength) bytes")
        }
        let value: JSONValue
        do throws(GeoJSONError) {
            value = try JSONText.decode(bytes)
        } catch {
            throw CQL2Error(.syntax, error.message)
        }
        var parser = CQL2JSONParser(limits: limits)
        return try parser.filter(value)
    }
}
