import Foundation

/// libFuzzer target: any bytes as a CSV import file. The reader must return records or a
/// RegistryError, never trap; every cell then goes through what validation does first with text:
/// date orders, Vietnamese normalisation and keys, control characters and tax codes.
/// Built by scripts/fuzz with the Registry sources it needs (no database).
private let scratch: String = {
    let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return "\(dir)/econgis-fuzz-csv-\(getpid()).csv"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    guard FileManager.default.createFile(atPath: scratch, contents: data) else { return 0 }
    do {
        let reader = try CSVReader(path: scratch)
        var cells = reader.header
        var records = 0
        while let record = try reader.next() {
            precondition(record.line >= 1, "line numbers start at 1")
            cells += record.fields
            records += 1
            if cells.count > 10_000 { break }
        }
        for cell in cells {
            for order in LocalDate.Order.allCases {
                if let d = LocalDate(text: cell, order: order) {
                    precondition(LocalDate(iso: d.description) == d, "a date read back from its own text")
                }
            }
            _ = LocalDate.evidence(cell)
            let normalised = VietnameseText.normalised(cell)
            precondition(VietnameseText.normalised(normalised) == normalised, "normalising twice changes nothing")
            _ = VietnameseText.searchKey(cell)
            _ = VietnameseText.fieldKey(cell)
            _ = VietnameseText.trimmed(cell)
            if let (_, position) = VietnameseText.controlCharacter(in: cell) {
                precondition(position >= 1 && position <= cell.unicodeScalars.count)
            }
            _ = VisibleText.escapingControls(cell)
            _ = TaxCode.problem(cell, form: .enterprise)
            _ = TaxCode.problem(cell, form: .dependentUnit)
        }
    } catch is RegistryError {
        // refused with a reason: fine
    } catch {
        preconditionFailure("unexpected error type \(type(of: error)): \(error)")
    }
    return 0
}
