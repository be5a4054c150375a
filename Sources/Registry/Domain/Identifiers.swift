/// Enterprise tax codes (mã số doanh nghiệp = mã số thuế), FACTS.md §5.
public enum TaxCode {
    static let weights = [31, 29, 23, 19, 17, 13, 7, 5, 3]

    /// The check digit for nine leading digits, or nil when no digit is valid (S mod 11 = 0)
    /// or the formula gives 10.
    public static func checkDigit(_ nineDigits: [Int]) -> Int? {
        guard nineDigits.count == 9 else { return nil }
        let s = zip(weights, nineDigits).reduce(0) { $0 + $1.0 * $1.1 }
        let r = s % 11
        guard r != 0 else { return nil }
        let check = 10 - r
        return check <= 9 ? check : nil
    }

    public enum Form: Sendable { case enterprise, dependentUnit }

    /// Nil when valid; otherwise what was expected.
    public static func problem(_ code: String, form: Form) -> String? {
        // On the UTF-8 bytes: every valid code is ASCII, so anything else fails the length or digit test.
        let bytes = Array(code.utf8)
        func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }
        switch form {
        case .enterprise:
            guard bytes.count == 10, bytes.allSatisfy(isDigit) else {
                return "expected a 10-digit tax code (e.g. 0100233488)"
            }
        case .dependentUnit:
            guard bytes.count == 14, bytes[10] == UInt8(ascii: "-"), bytes[0..<10].allSatisfy(isDigit),
                  bytes[11...].allSatisfy(isDigit)
            else { return "expected a branch tax code of 13 digits as NNNNNNNNNN-NNN (e.g. 0100233488-001)" }
            let suffix = bytes[11...].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard (1...999).contains(suffix) else { return "expected a branch suffix 001-999, got \(code.suffix(3))" }
        }
        let digits = bytes[0..<10].map { Int($0 - 0x30) }
        guard let check = checkDigit(Array(digits[0..<9])) else {
            return "not a valid tax code: its first nine digits admit no check digit"
        }
        guard check == digits[9] else {
            return "check digit is \(digits[9]), expected \(check) for \(code.prefix(9))"
        }
        return nil
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
