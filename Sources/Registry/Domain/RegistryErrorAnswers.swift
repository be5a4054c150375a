import GRDB

/// The questions every RegistryError answers, whatever its case: the CLI maps `field` to its flags and `kind` to
/// exit codes, the server `kind` to HTTP statuses. (Kept apart from RegistryError.swift, which the CSV fuzz target
/// compiles without GRDB.)
extension RegistryError {
    /// Whose move it is: the caller's input, a missing thing, the state of the data, or ours.
    public enum Kind: String, Sendable, CaseIterable {
        /// A value the caller gave is not acceptable (HTTP 400).
        case invalidInput
        /// What the caller named does not exist (HTTP 404).
        case notFound
        /// The request is fine but the data or the database's state stands in its way: a newer version, a
        /// constraint, a lock, a schema to migrate (HTTP 409, or 503 for a lock).
        case conflict
        /// Our fault or the machine's (HTTP 500).
        case `internal`
    }

    public var kind: Kind {
        switch self {
        case .invalidInput, .unreadable, .invalidArgument, .tooManyInvalid: .invalidInput
        case .notFound: .notFound
        case .versionConflict, .busy, .schemaTooNew, .migrationNeeded, .readOnly: .conflict
        case .database:
            switch underlying?.resultCode.primaryResultCode {
            case .SQLITE_CONSTRAINT?, .SQLITE_BUSY?, .SQLITE_LOCKED?: .conflict
            case .SQLITE_READONLY?: .conflict
            default: .internal
            }
        }
    }

    /// Where the offending value came from: the first invalid record's file and line or feature, or the file.
    public var location: SourceLocation? {
        switch self {
        case .invalidInput(let issues, let file): issues.first(where: { $0.severity == .error })?.location ?? file.map { SourceLocation(file: $0) }
        case .tooManyInvalid(let shown, _, let file): shown.first?.location ?? file.map { SourceLocation(file: $0) }
        case .unreadable(let file, _): SourceLocation(file: file)
        case .busy(let path, _), .schemaTooNew(let path, _, _), .migrationNeeded(let path, _, _), .readOnly(let path): SourceLocation(file: path)
        default: nil
        }
    }

    /// The canonical name of the field at fault (the first invalid one for records).
    public var field: String? {
        switch self {
        case .invalidArgument(let field, _, _): field
        case .invalidInput(let issues, _): issues.first(where: { $0.severity == .error })?.field
        case .tooManyInvalid(let shown, _, _): shown.first?.field
        case .versionConflict: "version"
        default: nil
        }
    }

    /// The value at fault, as given.
    public var value: String? {
        switch self {
        case .invalidArgument(_, let value, _): value
        case .invalidInput(let issues, _): issues.first(where: { $0.severity == .error })?.value
        case .tooManyInvalid(let shown, _, _): shown.first?.value
        case .notFound(_, let key, _): key
        case .versionConflict(_, let expected, _): String(expected)
        default: nil
        }
    }

    /// What would have been accepted.
    public var expected: String? {
        switch self {
        case .invalidArgument(_, _, let expected): expected
        case .invalidInput(let issues, _): issues.first(where: { $0.severity == .error })?.expected
        case .tooManyInvalid(let shown, _, _): shown.first?.expected
        case .notFound(let what, _, let hint): "an existing \(what)" + (hint.map { " (\($0))" } ?? "")
        case .versionConflict(_, _, let actual): "the current version, \(actual)"
        case .schemaTooNew(_, _, let binary), .migrationNeeded(_, _, let binary): "schema version \(binary)"
        default: nil
        }
    }

    /// The database's own error (result code, message, SQL, arguments), when the database raised one.
    public var underlying: DatabaseError? {
        if case .database(_, let underlying) = self { return underlying as? DatabaseError }
        return nil
    }

    /// Every invalid value of a refused set of records (one for a single argument).
    public var issues: [ValidationIssue] {
        switch self {
        case .invalidInput(let issues, _): issues.filter { $0.severity == .error }
        case .tooManyInvalid(let shown, _, _): shown
        case .invalidArgument(let field, let value, let expected): [ValidationIssue(SourceLocation(), field: field, value: value, expected: expected)]
        default: []
        }
    }
}
