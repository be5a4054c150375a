import Foundation

/// Reads RFC 4180 CSV as UTF-8 (with or without BOM), comma, semicolon or tab separated (detected
/// from the header), one record at a time from 1 MiB chunks so memory does not grow with the file.
public final class CSVReader {
    public struct Record {
        /// 1-based line on which the record starts.
        public var line: Int
        public var fields: [String]
    }

    public let file: String
    public private(set) var header: [String] = []
    public private(set) var delimiter: UInt8 = 0x2C
    private let handle: FileHandle
    private var chunk: [UInt8] = []
    private var pos = 0
    private var eof = false
    private var line = 1
    public private(set) var bytesRead = 0

    public init(path: String) throws {
        file = path
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw RegistryError.unreadable(file: path, reason: "no such file or not readable")
        }
        handle = h
        try fill()
        if chunk.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        delimiter = detectDelimiter()
        guard let first = try next() else {
            throw RegistryError.unreadable(file: path, reason: "the file is empty; expected a header row")
        }
        header = first.fields
    }

    deinit { try? handle.close() }

    private func fill() throws {
        if pos > 0 {
            chunk.removeFirst(pos)
            pos = 0
        }
        let data = handle.readData(ofLength: 1 << 20)
        if data.isEmpty { eof = true }
        bytesRead += data.count
        chunk.append(contentsOf: data)
    }

    /// The separator used most in the first line, outside quotes.
    private func detectDelimiter() -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var quoted = false
        for b in chunk[pos...] {
            if b == 0x22 { quoted.toggle() }
            if !quoted && (b == 0x0A || b == 0x0D) { break }
            if !quoted, counts[b] != nil { counts[b]! += 1 }
        }
        return counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!.key
    }

    /// The next record, nil at the end. Blank lines are skipped.
    public func next() throws -> Record? {
        while true {
            guard let record = try nextRaw() else { return nil }
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            return record
        }
    }

    private func nextRaw() throws -> Record? {
        if pos >= chunk.count && !eof { try fill() }
        if pos >= chunk.count && eof { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        func finishField() throws {
            guard let s = String(validating: field, as: UTF8.self) else {
                throw RegistryError.unreadable(file: file, reason: "line \(startLine), field \(fields.count + 1): not valid UTF-8 (save the file as UTF-8)")
            }
            fields.append(s)
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while true {
            if pos >= chunk.count {
                if eof {
                    if quoted {
                        throw RegistryError.unreadable(file: file, reason: "line \(startLine): a quoted field is not closed before the end of the file")
                    }
                    try finishField()
                    return Record(line: startLine, fields: fields)
                }
                try fill()
                continue
            }
            let b = chunk[pos]
            if quoted {
                if b == 0x22 {
                    if pos + 1 >= chunk.count && !eof { try fill(); continue }
                    if pos + 1 < chunk.count && chunk[pos + 1] == 0x22 {
                        field.append(0x22)
                        pos += 2
                        continue
                    }
                    quoted = false
                    pos += 1
                    continue
                }
                if b == 0x0A { line += 1 }
                field.append(b)
                pos += 1
                continue
            }
            switch b {
            case 0x22 where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
                pos += 1
            case delimiter:
                try finishField()
                pos += 1
            case 0x0D:
                pos += 1
            case 0x0A:
                pos += 1
                line += 1
                try finishField()
                return Record(line: startLine, fields: fields)
            default:
                // The rest of an unquoted field in one copy, when it ends inside the chunk.
                var end = pos + 1
                while end < chunk.count, chunk[end] != delimiter, chunk[end] != 0x0A, chunk[end] != 0x0D { end += 1 }
                field.append(contentsOf: chunk[pos..<end])
                pos = end
            }
        }
    }
}

/// Writes CSV with quoting where needed (RFC 4180), to a file or a string.
public struct CSVWriter {
    private var emit: (String) -> Void

    public init(emit: @escaping (String) -> Void) { self.emit = emit }

    public static func escape(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    public func write(_ fields: [String]) {
        emit(fields.map(CSVWriter.escape).joined(separator: ",") + "\n")
    }
}
