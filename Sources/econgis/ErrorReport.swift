import Foundation
import Planning
import Registry

/// How the command line tells a person about a library error: the canonical field names the libraries use
/// become the flags that set them, each kind of error has its own exit status, and the hints name commands.
enum ErrorReport {
    /// Canonical field → the option that gives it, where a command sets that field from an option.
    static let flags: [String: String] = [
        "bbox": "--bbox", "near": "--near", "radius": "--radius", "sort": "--sort", "cursor": "--after",
        "limit": "--limit", "offset": "--offset", "vsic": "--vsic", "search": "--search", "within": "--within",
        "srs": "--srs", "level": "--level", "valid_to": "--valid-to", "valid_from": "--valid-from", "closed_on": "--on",
        "changed_since": "--changed-since", "ward_on": "--ward-on", "as_of": "--as-of", "backup": "--backup",
        "columns": "--columns", "state": "--state", "ward": "--ward", "type": "--type", "code": "--code",
        "unit_code": "--unit", "serial_no": "--serial", "last_verified_on": "--last-verified-on", "is_reference": "--reference",
        "code_field": "--code-field", "name_field": "--name-field", "capacity_kg": "--capacity-kg",
    ]

    /// sysexits(3): bad data 65, a missing input 66, a temporary condition (a lock, a newer version, a
    /// schema to migrate) 75, our own failure 70.
    static func exitStatus(_ kind: RegistryError.Kind) -> Int32 {
        switch kind {
        case .invalidInput: 65
        case .notFound: 66
        case .conflict: 75
        case .internal: 70
        }
    }

    static func message(_ error: RegistryError) -> String {
        switch error {
        case .invalidInput(let issues, _) where issues.contains(where: { $0.field.hasPrefix("--") }):
            // A record given as options (units add, instruments update …): each value under the flag that gave it.
            let errors = issues.filter { $0.severity == .error }
            let lines = errors.map { i in
                i.field.hasPrefix("--") ? "\(i.field) \(i.value.map { String(reflecting: $0) } ?? "(empty)"): expected \(i.expected)" : i.description
            }
            return (["\(errors.count) invalid value\(errors.count == 1 ? "" : "s"); nothing was written"] + lines).joined(separator: "\n")
        case .invalidArgument("database", _, let expected) where expected.hasSuffix("holds none yet"):
            return error.description + " (`econgis init --db PATH` makes one)"
        case .invalidArgument(let field, let value, let expected):
            guard let flag = flags[field] else { return error.description }
            return "\(flag) \"\(value)\": expected \(expected)"
        case .notFound(let what, _, let libraryHint):
            let command: String? = switch what {
            case "database": "create it with `econgis init --db PATH` (add --demo for the demo data)"
            case "unit with code", "unit": "`econgis units list --search TEXT` finds units by name, owner or address"
            case "instrument": "`econgis instruments list --unit CODE` lists a unit's instruments"
            case "demo data directory": "`econgis init --demo --geodata DIR`"
            default: nil
            }
            return error.description + (command.map { libraryHint == nil ? "; \($0)" : " (\($0))" } ?? "")
        case .migrationNeeded:
            return error.description + " with `econgis migrate`"
        default:
            return error.description
        }
    }

    /// Prints `error` on standard error and exits with its kind's status.
    static func exit(_ error: RegistryError) -> Never {
        FileHandle.standardError.write(Data(("Error: " + message(error) + "\n").utf8))
        Foundation.exit(exitStatus(error.kind))
    }

    /// A route's stops, problem or matrix that cannot be read as one (its file, feature, line and field named):
    /// bad data, 65, as for an import.
    static func exit(_ error: StopsFileError) -> Never {
        FileHandle.standardError.write(Data(("Error: \(error)\n").utf8))
        Foundation.exit(exitStatus(.invalidInput))
    }
}

/// Runs `body`, naming the fields of a record given as options (`units add`, `instruments update` …) in its
/// invalid values by the flags that gave them (`flags`: canonical field → flag).
func withFieldFlags<T>(_ flags: [String: String], _ body: () throws -> T) throws -> T {
    func onFlag(_ issue: ValidationIssue) -> ValidationIssue {
        guard let flag = flags[issue.field] else { return issue }
        var onFlag = issue
        onFlag.field = flag
        return onFlag
    }
    do {
        return try body()
    } catch RegistryError.invalidInput(let issues, let file) {
        throw RegistryError.invalidInput(issues.map(onFlag), file: file)
    } catch RegistryError.tooManyInvalid(let shown, let total, let file) {
        throw RegistryError.tooManyInvalid(shown: shown.map(onFlag), total: total, file: file)
    }
}
