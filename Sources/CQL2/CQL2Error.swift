/// Why a filter was refused: where (a character offset in cql2-text, a JSON path in cql2-json), what was
/// found there and what was expected. The server turns it into a 400 with an OGC exception body.
public struct CQL2Error: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// The text or JSON does not follow the grammar.
        case syntax
        /// Well-formed, but an operand has the wrong type for its operator.
        case invalidOperand
        /// A length, depth or size limit was exceeded.
        case limit
        /// A property the collection does not offer as a queryable.
        case unknownProperty
        /// Valid CQL2 that this implementation does not translate (custom functions, array predicates).
        case unsupported
    }

    public var kind: Kind
    public var message: String
    /// 0-based offset in Unicode scalars into the cql2-text filter, when the filter was text.
    public var offset: Int?
    /// Where in the cql2-json document, such as `args[1].args[0]`, when the filter was JSON.
    public var jsonPath: String?
    /// The token or value found, as written.
    public var found: String?
    /// What the grammar or the operator allows there.
    public var expected: String?

    public init(_ kind: Kind, _ message: String, offset: Int? = nil, jsonPath: String? = nil,
                found: String? = nil, expected: String? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.jsonPath = jsonPath
        self.found = found
        self.expected = expected
    }

    public var description: String {
        var where_ = ""
        if let offset { where_ = "at character \(offset + 1): " }
        if let jsonPath { where_ = "at \(jsonPath.isEmpty ? "the top level" : jsonPath): " }
        var text = where_ + message
        if let found { text += "; found \(found)" }
        if let expected { text += "; expected \(expected)" }
        return text
    }
}

/// Bounds that keep parsing and SQL generation cheap and the stack shallow whatever the input.
public struct CQL2Limits: Hashable, Sendable {
    /// Longest filter accepted, in UTF-8 bytes (text and JSON alike).
    public var maxLength: Int
    /// Deepest nesting of expressions (parentheses, operators, function calls, geometry collections).
    public var maxDepth: Int
    /// Most coordinates in all geometry literals of one filter.
    public var maxCoordinates: Int

    public init(maxLength: Int = 100_000, maxDepth: Int = 64, maxCoordinates: Int = 50_000) {
        self.maxLength = maxLength
        self.maxDepth = maxDepth
        self.maxCoordinates = maxCoordinates
    }

    public static let standard = CQL2Limits()
}
