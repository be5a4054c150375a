/// Facts the demo data set is made from. Codes, names, dates and the ward points are from
/// ../shared/domain/FACTS.md §1; word lists are ordinary Vietnamese names and the district's streets.
enum DemoFacts {
    struct Ward {
        let number: Int
        let code: String
        let lon: Double
        let lat: Double
    }

    /// The 16 wards until 2024-12-31, with a point inside each (FACTS.md §1, ~50 m).
    static let wards2024: [Ward] = [
        Ward(number: 1, code: "27247", lon: 106.6391, lat: 10.7563), Ward(number: 2, code: "27250", lon: 106.6438, lat: 10.7562),
        Ward(number: 3, code: "27220", lon: 106.6389, lat: 10.7647), Ward(number: 4, code: "27244", lon: 106.6545, lat: 10.7577),
        Ward(number: 5, code: "27211", lon: 106.6441, lat: 10.7713), Ward(number: 6, code: "27241", lon: 106.6510, lat: 10.7572),
        Ward(number: 7, code: "27238", lon: 106.6593, lat: 10.7609), Ward(number: 8, code: "27229", lon: 106.6487, lat: 10.7609),
        Ward(number: 9, code: "27232", lon: 106.6455, lat: 10.7614), Ward(number: 10, code: "27223", lon: 106.6432, lat: 10.7617),
        Ward(number: 11, code: "27217", lon: 106.6494, lat: 10.7658), Ward(number: 12, code: "27235", lon: 106.6525, lat: 10.7606),
        Ward(number: 13, code: "27226", lon: 106.6535, lat: 10.7645), Ward(number: 14, code: "27214", lon: 106.6492, lat: 10.7711),
        Ward(number: 15, code: "27208", lon: 106.6553, lat: 10.7721), Ward(number: 16, code: "27253", lon: 106.6483, lat: 10.7562),
    ]

    /// 2025-01-01 .. 2025-06-30: name, code, the 2024 wards it is made of.
    static let wards2025H1: [(String, String, [Int])] = [
        ("Phường 1", "27247", [1, 2]), ("Phường 3", "27220", [3]), ("Phường 5", "27211", [5]), ("Phường 7", "27238", [4, 6, 7]),
        ("Phường 8", "27229", [8, 12]), ("Phường 10", "27232", [9, 10]), ("Phường 11", "27226", [11, 13]),
        ("Phường 14", "27214", [14]), ("Phường 15", "27208", [15]), ("Phường 16", "27253", [16]),
    ]

    /// From 2025-07-01 (Resolution 1685/NQ-UBTVQH15 Art. 1 cl. 28-31): name, code, whole 2025-H1 wards, and the
    /// old ward whose ground it takes from the split 2025-H1 Phường 8: the split follows the old P8/P12 line
    /// (FACTS.md §1, from OpenStreetMap's boundaries), old P8 to Bình Thới, old P12 to Phú Thọ.
    static let wards2025: [(String, String, [String], Int?)] = [
        ("Phường Minh Phụng", "27238", ["Phường 1", "Phường 7", "Phường 16"], nil),
        ("Phường Bình Thới", "27232", ["Phường 3", "Phường 10"], 8),
        ("Phường Hòa Bình", "27211", ["Phường 5", "Phường 14"], nil),
        ("Phường Phú Thọ", "27226", ["Phường 11", "Phường 15"], 12),
    ]

    static let periods = (
        pre2025: (from: "2000-01-01", to: "2024-12-31"),
        h1: (from: "2025-01-01", to: "2025-06-30"),
        current: (from: "2025-07-01", to: nil as String?)
    )

    static let familyNames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                              "Dương", "Lý", "Lâm", "Quách", "Tăng", "Mạc", "Trương", "Lưu", "Châu", "Thái"]
    static let middleNames = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Gia", "Kim", "Mỹ", "Đức", "Tấn"]
    static let givenNames = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khoa", "Lan", "Linh", "Long", "Mai",
                             "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến", "Cường",
                             "Đạt", "Huy", "Khánh", "Lộc", "Nhung", "Oanh", "Thịnh", "Vinh", "Xuân"]
    static let streets = ["Lạc Long Quân", "Lãnh Binh Thăng", "Lê Đại Hành", "Minh Phụng", "Bình Thới", "Hàn Hải Nguyên",
                          "Ông Ích Khiêm", "Tôn Thất Hiệp", "Lý Thường Kiệt", "Ba Tháng Hai", "Hồng Bàng", "Phó Cơ Điều",
                          "Thái Phiên", "Tuệ Tĩnh", "Lò Siêu", "Dương Đình Nghệ", "Hòa Bình", "Lữ Gia", "Nguyễn Thị Nhỏ",
                          "Âu Cơ", "Đội Cung", "Tạ Uyên", "Thuận Kiều", "Xóm Đất", "Phú Thọ", "Quân Sự", "Lê Thị Bạch Cát",
                          "Đặng Minh Khiêm", "Tống Văn Trân", "Trịnh Đình Trọng", "Hà Tôn Quyền", "Đào Nguyên Phổ"]
    static let brandWords = ["Phát Đạt", "Thành Công", "Hưng Thịnh", "Kim Long", "Bảo Tín", "Minh Châu", "Phú Quý", "Tân Tiến",
                             "Hòa Bình", "Đại Phát", "Ngọc Thẩm", "Vạn Phúc", "Kim Hoa", "Sài Gòn", "Thuận Phát", "An Khang"]
}
