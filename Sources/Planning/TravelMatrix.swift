import Foundation
import GeoJSON

/// Travel between locations computed elsewhere (a road network's table service, VROOM's `matrices`):
/// seconds, and metres when known. Row i, column j is the way from location i to location j.
public struct TravelMatrix: Sendable {
    public let size: Int
    public let durations: [Double]
    /// nil: only durations are known; the solver then shortens travel time.
    public let distances: [Double]?

    public init(durations: [[Double]], distances: [[Double]]? = nil) {
        size = durations.count
        self.durations = durations.flatMap { $0 }
        self.distances = distances?.flatMap { $0 }
    }

    public func duration(_ a: Int, _ b: Int) -> Double { durations[a * size + b] }
    public func distance(_ a: Int, _ b: Int) -> Double { (distances ?? durations)[a * size + b] }

    /// Reads `{"durations": [[…]], "distances": [[…]]}` (either may be missing but not both; a duration-only matrix
    /// may also be given as `matrix`), checking that both are `size` × `size` of numbers ≥ 0.
    /// `rows` says what the rows stand for, for the error message.
    public static func read(_ json: JSONValue, file: String, field: String = "", size: Int, rows: String) throws -> TravelMatrix {
        let prefix = field.isEmpty ? "" : field + "."
        func table(_ key: String) throws -> [[Double]]? {
            guard let value = json[key], value != .null else { return nil }
            guard case .array(let rowValues) = value else {
                throw StopsFileError(file: file, field: prefix + key, value: value.text.map { String($0.prefix(40)) },
                                     expected: "an array of \(size) rows (\(rows))")
            }
            guard rowValues.count == size else {
                throw StopsFileError(file: file, field: prefix + key, value: "\(rowValues.count) rows",
                                     expected: "\(size) rows of \(size) numbers (\(rows))")
            }
            return try rowValues.enumerated().map { i, row in
                guard case .array(let cells) = row, cells.count == size else {
                    let count = if case .array(let cells) = row { "\(cells.count) values" } else { row.text ?? "null" }
                    throw StopsFileError(file: file, field: "\(prefix)\(key)[\(i)]", value: count, expected: "\(size) numbers (\(rows))")
                }
                return try cells.enumerated().map { j, cell in
                    let number: Double? = switch cell {
                    case .int(let v): Double(v)
                    case .double(let v): v
                    default: nil
                    }
                    guard let number, number.isFinite, number >= 0 else {
                        throw StopsFileError(file: file, field: "\(prefix)\(key)[\(i)][\(j)]", value: cell.text ?? "null",
                                             expected: "a number of \(key == "distances" ? "metres" : "seconds") ≥ 0")
                    }
                    return number
                }
            }
        }
        let durations = try table("durations") ?? table("matrix")
        let distances = try table("distances")
        guard let durations else {
            throw StopsFileError(file: file, field: prefix + "durations", expected: "a matrix of travel seconds, \(size) × \(size) (\(rows))")
        }
        return TravelMatrix(durations: durations, distances: distances)
    }
}
