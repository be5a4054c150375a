/// Where a value came from: a file and a line or a feature, or a command-line field.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var feature: Int?

    public init(file: String? = nil, line: Int? = nil, feature: Int? = nil) {
        self.file = file
        self.line = line
        self.feature = feature
    }

    public var description: String {
        var parts: [String] = []
        if let file { parts.append(file) }
        if let feature { parts.append("feature \(feature)") }
        if let line { parts.append("line \(line)") }
        return parts.isEmpty ? "input" : parts.joined(separator: " ")
    }
}

/// One problem with one value: where, which field, the value, and what was expected.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var location: SourceLocation
    public var field: String
    public var value: String?
    public var expected: String
    public var severity: Severity

    public init(_ location: SourceLocation, field: String, value: String?, expected: String, severity: Severity = .error) {
        self.location = location
        self.field = field
        self.value = value
        self.expected = expected
        self.severity = severity
    }

    public var description: String {
        let shown = value.map { "\"\($0.count > 80 ? String($0.prefix(80)) + "…" : $0)\"" } ?? "(empty)"
        return "\(location): \(severity == .warning ? "warning: " : "")field \(field): \(shown): \(expected)"
    }
}

/// Errors the registry reports to a person. Every case says what to do about it.
public enum RegistryError: Error, CustomStringConvertible, Sendable {
    /// Input rows failed validation; nothing was written.
    case invalidInput([ValidationIssue], file: String?)
    /// A file could not be read or parsed at all.
    case unreadable(file: String, reason: String)
    case notFound(what: String, key: String, hint: String? = nil)
    /// Optimistic locking: the record changed since it was read.
    case versionConflict(key: String, expected: Int, actual: Int)
    case invalidArgument(field: String, value: String, expected: String)
    case database(String)

    public var description: String {
        switch self {
        case .invalidInput(let issues, let file):
            let errors = issues.filter { $0.severity == .error }
            let head = "\(file ?? "input"): \(errors.count) invalid value\(errors.count == 1 ? "" : "s"); nothing was written"
            return ([head] + errors.map(\.description)).joined(separator: "\n")
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .notFound(let what, let key, let hint):
            return "no \(what) \"\(key)\"" + (hint.map { "; \($0)" } ?? "")
        case .versionConflict(let key, let expected, let actual):
            return "\(key) was changed by someone else (version \(actual), you had \(expected)); show it again and retry"
        case .invalidArgument(let field, let value, let expected):
            return "\(field): \"\(value)\": \(expected)"
        case .database(let message):
            return "database: \(message)"
        }
    }
}
