import Foundation
import Testing

/// PyPI `cql2` (cql2-rs), the reference converter from cql2-text to cql2-json, from the venv scripts/setup makes
/// under .build/. Absent when setup has not run; the tests that need it skip and say so.
enum ReferenceConverter {
    static let python = SharedConformance.repositoryRoot.appendingPathComponent(".build/cql2-venv/bin/python")

    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
        return (try? run(["-c", "import cql2"], input: Data()))?.status == 0
    }()

    static let absentReason: Comment = "PyPI cql2 is not installed in .build/cql2-venv (scripts/setup installs it)"

    /// cql2-json for each text filter (in order), or the converter's error message.
    static func json(for filters: [String]) throws -> [Result<String, ConversionError>] {
        let script = """
        import cql2, json, sys
        out = []
        for text in json.load(sys.stdin):
            try:
                out.append({"json": json.dumps(cql2.parse_text(text).to_json())})
            except Exception as e:
                out.append({"error": str(e)})
        json.dump(out, sys.stdout)
        """
        let result = try run(["-c", script], input: try JSONEncoder().encode(filters))
        guard result.status == 0 else { throw ConversionError(message: "cql2 exited with \(result.status)") }
        let items = try JSONDecoder().decode([[String: String]].self, from: result.output)
        return items.map { item in
            if let json = item["json"] { return .success(json) }
            return .failure(ConversionError(message: item["error"] ?? "no output"))
        }
    }

    struct ConversionError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func run(_ arguments: [String], input: Data) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
