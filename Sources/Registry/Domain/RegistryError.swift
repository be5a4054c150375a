import Foundation

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
        let shown = value.map { "\"\(VisibleText.escapingControls($0.count > 80 ? String($0.prefix(80)) + "…" : $0))\"" } ?? "(empty)"
        return "\(location): \(severity == .warning ? "warning: " : "")field \(field): \(shown): \(expected)"
    }
}

/// The one error value of the libraries. Each case says what went wrong in words (`description`); every
/// case also answers the same questions (`kind`, `location`, `field`, `value`, `expected`, `underlying`) so the
/// CLI can map fields to its flags and kinds to exit codes, and the server kinds to HTTP statuses. Field names are
/// canonical (the import column or filter name, e.g. `bbox`, `serial_no`), never a command-line flag.
public enum RegistryError: Error, CustomStringConvertible, Sendable {
    /// Input rows failed validation; nothing was written.
    case invalidInput([ValidationIssue], file: String?)
    /// A file could not be read or parsed at all.
    case unreadable(file: String, reason: String)
    case notFound(what: String, key: String, hint: String? = nil)
    /// Optimistic locking: the record changed since it was read.
    case versionConflict(key: String, expected: Int, actual: Int)
    case invalidArgument(field: String, value: String, expected: String)
    /// The database refused or failed; `underlying` keeps the database's own error (for SQLite, GRDB's
    /// DatabaseError: its code, message, SQL and arguments) where there was one.
    case database(String, underlying: (any Error & Sendable)? = nil)
    /// Input with more invalid records than are worth printing: the first ones, and how many there were.
    case tooManyInvalid(shown: [ValidationIssue], total: Int, file: String?)
    /// Another connection held the write lock for longer than the busy timeout.
    case busy(path: String, seconds: Double)
    /// The database was written by a newer EconGIS: its schema has migrations this one does not know.
    case schemaTooNew(path: String, database: SchemaVersion, binary: SchemaVersion)
    /// The database needs migrations this command will not apply by itself.
    case migrationNeeded(path: String, database: SchemaVersion, binary: SchemaVersion)
    /// The database is open for reading only.
    case readOnly(path: String)

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
        case .database(let message, _):
            return "database: \(message)"
        case .tooManyInvalid(let shown, let total, let file):
            let head = "\(file ?? "input"): \(total) invalid value\(total == 1 ? "" : "s"); nothing was written"
            let rest = total > shown.count ? ["… and \(total - shown.count) more (the first \(shown.count) are shown)"] : []
            return ([head] + shown.map(\.description) + rest).joined(separator: "\n")
        case .busy(let path, let seconds):
            return "\(path): the database is busy: another program has been writing to it for more than \(VisibleText.seconds(seconds)) s; "
                + "try again when it has finished, or wait longer (busy timeout)"
        case .schemaTooNew(let path, let database, let binary):
            return "\(path): the database has schema version \(database) but this EconGIS knows only up to version \(binary); "
                + "use a newer EconGIS (the database was not changed)"
        case .migrationNeeded(let path, let database, let binary):
            return "\(path): the database has schema version \(database) and this EconGIS needs version \(binary); "
                + "migrate it first (a migration makes a backup copy before it changes anything)"
        case .readOnly(let path):
            return "\(path): the database is open for reading only"
        }
    }
}

/// A schema version: how many migrations are applied, and the last one's name.
public struct SchemaVersion: Sendable, CustomStringConvertible {
    public var number: Int
    public var lastMigration: String?

    public var description: String { "\(number)" + (lastMigration.map { " (\"\($0)\")" } ?? "") }
}

/// Text shown to a person on a terminal: control characters are printed as escapes, never raw.
enum VisibleText {
    static func escapingControls(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if isControl(u) { out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// C0 and C1 control characters and DEL, tab and line breaks included.
    static func isControl(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value)
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? String(Int(s)) : String(format: "%.1f", s)
    }
}
