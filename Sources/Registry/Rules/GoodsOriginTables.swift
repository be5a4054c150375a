/// Migration "v6 goods origin log": what stalls of a market bring in (date, goods, quantity, supplier, province of
/// origin, traceability code), kept because the Quận 11 plan asks Chợ Bình Thới and Chợ Thiếc to keep it, and the
/// provinces a stated origin is recognised against.
enum GoodsOriginTables {
    static let sql = """
        -- Provinces by period, names without "Tỉnh" / "Thành phố". An origin naming any of them, of any period, is a
        -- recognised place (goods are still labelled with the names of before the 2025 merger).
        CREATE TABLE provinces (
          name TEXT NOT NULL,
          valid_from TEXT NOT NULL,
          valid_to TEXT,
          source TEXT NOT NULL,
          confidence TEXT NOT NULL CHECK (confidence IN ('sure', 'likely', 'uncertain')),
          PRIMARY KEY (name, valid_from),
          CHECK (valid_to IS NULL OR valid_to >= valid_from)
        );
        INSERT INTO provinces (name, valid_from, valid_to, source, confidence)
        SELECT column1, column2, column3, 'the 63 provinces of 2008-2025 and the 34 of Resolution 202/2025/QH15 (not in FACTS.md)', 'likely'
        FROM (VALUES
          ('An Giang', '2008-08-01', '2025-06-11'), ('Bà Rịa - Vũng Tàu', '2008-08-01', '2025-06-11'),
          ('Bạc Liêu', '2008-08-01', '2025-06-11'), ('Bắc Giang', '2008-08-01', '2025-06-11'),
          ('Bắc Kạn', '2008-08-01', '2025-06-11'), ('Bắc Ninh', '2008-08-01', '2025-06-11'),
          ('Bến Tre', '2008-08-01', '2025-06-11'), ('Bình Dương', '2008-08-01', '2025-06-11'),
          ('Bình Định', '2008-08-01', '2025-06-11'), ('Bình Phước', '2008-08-01', '2025-06-11'),
          ('Bình Thuận', '2008-08-01', '2025-06-11'), ('Cà Mau', '2008-08-01', '2025-06-11'),
          ('Cao Bằng', '2008-08-01', '2025-06-11'), ('Cần Thơ', '2008-08-01', '2025-06-11'),
          ('Đà Nẵng', '2008-08-01', '2025-06-11'), ('Đắk Lắk', '2008-08-01', '2025-06-11'),
          ('Đắk Nông', '2008-08-01', '2025-06-11'), ('Điện Biên', '2008-08-01', '2025-06-11'),
          ('Đồng Nai', '2008-08-01', '2025-06-11'), ('Đồng Tháp', '2008-08-01', '2025-06-11'),
          ('Gia Lai', '2008-08-01', '2025-06-11'), ('Hà Giang', '2008-08-01', '2025-06-11'),
          ('Hà Nam', '2008-08-01', '2025-06-11'), ('Hà Nội', '2008-08-01', '2025-06-11'),
          ('Hà Tĩnh', '2008-08-01', '2025-06-11'), ('Hải Dương', '2008-08-01', '2025-06-11'),
          ('Hải Phòng', '2008-08-01', '2025-06-11'), ('Hậu Giang', '2008-08-01', '2025-06-11'),
          ('Hòa Bình', '2008-08-01', '2025-06-11'), ('Hưng Yên', '2008-08-01', '2025-06-11'),
          ('Khánh Hòa', '2008-08-01', '2025-06-11'), ('Kiên Giang', '2008-08-01', '2025-06-11'),
          ('Kon Tum', '2008-08-01', '2025-06-11'), ('Lai Châu', '2008-08-01', '2025-06-11'),
          ('Lạng Sơn', '2008-08-01', '2025-06-11'), ('Lào Cai', '2008-08-01', '2025-06-11'),
          ('Lâm Đồng', '2008-08-01', '2025-06-11'), ('Long An', '2008-08-01', '2025-06-11'),
          ('Nam Định', '2008-08-01', '2025-06-11'), ('Nghệ An', '2008-08-01', '2025-06-11'),
          ('Ninh Bình', '2008-08-01', '2025-06-11'), ('Ninh Thuận', '2008-08-01', '2025-06-11'),
          ('Phú Thọ', '2008-08-01', '2025-06-11'), ('Phú Yên', '2008-08-01', '2025-06-11'),
          ('Quảng Bình', '2008-08-01', '2025-06-11'), ('Quảng Nam', '2008-08-01', '2025-06-11'),
          ('Quảng Ngãi', '2008-08-01', '2025-06-11'), ('Quảng Ninh', '2008-08-01', '2025-06-11'),
          ('Quảng Trị', '2008-08-01', '2025-06-11'), ('Sóc Trăng', '2008-08-01', '2025-06-11'),
          ('Sơn La', '2008-08-01', '2025-06-11'), ('Tây Ninh', '2008-08-01', '2025-06-11'),
          ('Thái Bình', '2008-08-01', '2025-06-11'), ('Thái Nguyên', '2008-08-01', '2025-06-11'),
          ('Thanh Hóa', '2008-08-01', '2025-06-11'), ('Thừa Thiên Huế', '2008-08-01', '2025-06-11'),
          ('Tiền Giang', '2008-08-01', '2025-06-11'), ('Hồ Chí Minh', '2008-08-01', '2025-06-11'),
          ('Trà Vinh', '2008-08-01', '2025-06-11'), ('Tuyên Quang', '2008-08-01', '2025-06-11'),
          ('Vĩnh Long', '2008-08-01', '2025-06-11'), ('Vĩnh Phúc', '2008-08-01', '2025-06-11'),
          ('Yên Bái', '2008-08-01', '2025-06-11'),
          ('Hà Nội', '2025-06-12', NULL), ('Huế', '2025-06-12', NULL), ('Lai Châu', '2025-06-12', NULL),
          ('Điện Biên', '2025-06-12', NULL), ('Sơn La', '2025-06-12', NULL), ('Lạng Sơn', '2025-06-12', NULL),
          ('Quảng Ninh', '2025-06-12', NULL), ('Thanh Hóa', '2025-06-12', NULL), ('Nghệ An', '2025-06-12', NULL),
          ('Hà Tĩnh', '2025-06-12', NULL), ('Cao Bằng', '2025-06-12', NULL), ('Tuyên Quang', '2025-06-12', NULL),
          ('Lào Cai', '2025-06-12', NULL), ('Thái Nguyên', '2025-06-12', NULL), ('Phú Thọ', '2025-06-12', NULL),
          ('Bắc Ninh', '2025-06-12', NULL), ('Hưng Yên', '2025-06-12', NULL), ('Hải Phòng', '2025-06-12', NULL),
          ('Ninh Bình', '2025-06-12', NULL), ('Quảng Trị', '2025-06-12', NULL), ('Đà Nẵng', '2025-06-12', NULL),
          ('Quảng Ngãi', '2025-06-12', NULL), ('Gia Lai', '2025-06-12', NULL), ('Khánh Hòa', '2025-06-12', NULL),
          ('Lâm Đồng', '2025-06-12', NULL), ('Đắk Lắk', '2025-06-12', NULL), ('Hồ Chí Minh', '2025-06-12', NULL),
          ('Đồng Nai', '2025-06-12', NULL), ('Tây Ninh', '2025-06-12', NULL), ('Cần Thơ', '2025-06-12', NULL),
          ('Vĩnh Long', '2025-06-12', NULL), ('Đồng Tháp', '2025-06-12', NULL), ('Cà Mau', '2025-06-12', NULL),
          ('An Giang', '2025-06-12', NULL));

        CREATE TABLE goods_origin_entries (
          id INTEGER PRIMARY KEY,
          unit_id INTEGER NOT NULL REFERENCES economic_units(id) ON DELETE CASCADE,
          received_on TEXT NOT NULL,
          goods TEXT NOT NULL CHECK (goods <> ''),
          quantity REAL CHECK (quantity IS NULL OR quantity > 0),
          quantity_unit TEXT,
          supplier TEXT,
          origin_province TEXT,
          traceability_code TEXT,
          note TEXT,
          created_at TEXT NOT NULL
        );
        -- One entry per stall, day, goods and supplier: importing a file again updates instead of doubling.
        CREATE UNIQUE INDEX goods_origin_key ON goods_origin_entries(unit_id, received_on, goods, coalesce(supplier, ''));
        CREATE INDEX goods_origin_date ON goods_origin_entries(received_on);
        """
}
