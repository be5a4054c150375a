/// What an inspection can find, with its legal basis (FACTS.md §4), seeded by migration
/// "v2 inspections"; later categories come with migration "v4 tolerance and penalty rules".
/// Frozen: this is what the migration wrote and always will write; a change to these rules is a
/// new migration (rows with new validity dates), never an edit here.
enum ViolationCategoriesSeed {
    static let sql = #"""
        -- Seriousness (1-3) is the office's judgement for planning, not a legal grade; the fines are uncertain (FACTS.md §4).
        INSERT INTO violation_categories (code, name_vi, name_en, seriousness, legal_basis, source, confidence, valid_from) VALUES
          ('instrument_unverified', 'Sử dụng phương tiện đo chưa kiểm định / hết hạn kiểm định', 'measuring instrument not verified or verification expired', 3, 'Art. 10', 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'likely', '1900-01-01'),
          ('instrument_seal_broken', 'Phương tiện đo mất dấu, tem kiểm định', 'instrument seal or stamp broken or missing', 3, 'Art. 10', 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'likely', '1900-01-01'),
          ('quantity_short', 'Lượng hàng thiếu vượt giới hạn cho phép', 'quantity short beyond the permitted error', 3, 'Art. 14', 'Decree 119/2017/NĐ-CP as amended by 126/2021/NĐ-CP (FACTS.md §4)', 'likely', '1900-01-01'),
          ('prepackaged_quantity', 'Hàng đóng gói sẵn không đạt yêu cầu định lượng', 'pre-packaged quantity not compliant', 2, NULL, 'office practice; legal basis to be confirmed', 'uncertain', '1900-01-01'),
          ('label_missing', 'Hàng hóa không có nhãn / nhãn không đủ nội dung', 'goods without a proper label', 2, NULL, 'office practice; legal basis to be confirmed', 'uncertain', '1900-01-01'),
          ('price_not_listed', 'Không niêm yết giá', 'prices not displayed', 1, NULL, 'office practice; legal basis to be confirmed', 'uncertain', '1900-01-01'),
          ('origin_unproven', 'Không chứng minh được nguồn gốc hàng hóa', 'origin of goods not proven', 2, NULL, 'office practice; legal basis to be confirmed', 'uncertain', '1900-01-01'),
          ('conformity_missing', 'Không công bố hợp quy / hợp chuẩn', 'no declaration of conformity', 2, NULL, 'office practice; legal basis to be confirmed', 'uncertain', '1900-01-01');
        """#
}
