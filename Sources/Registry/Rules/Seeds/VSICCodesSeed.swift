/// VSIC codes the office checks most (FACTS.md §6), a few common retail and service codes and the
/// parents of all, from the same classification; seeded by migration "v1 rule tables".
/// Frozen: this is what the migration wrote and always will write; a change to these rules is a
/// new migration (rows with new validity dates), never an edit here.
enum VSICCodesSeed {
    static let sql = #"""
        INSERT INTO vsic_codes (code, title, source)
        SELECT column1, column2, 'VSIC 2018, Decision 27/2018/QĐ-TTg (FACTS.md §6, likely)'
        FROM (VALUES
          ('32', 'Sản xuất khác'),
          ('321', 'Sản xuất đồ kim hoàn, đồ giả kim hoàn và các chi tiết liên quan'),
          ('3211', 'Sản xuất đồ kim hoàn và chi tiết liên quan'),
          ('46', 'Bán buôn (trừ ô tô, mô tô, xe máy và xe có động cơ khác)'),
          ('466', 'Bán buôn chuyên doanh khác'),
          ('4662', 'Bán buôn kim loại và quặng kim loại'),
          ('46623', 'Bán buôn vàng, bạc và kim loại quý khác'),
          ('47', 'Bán lẻ (trừ ô tô, mô tô, xe máy và xe có động cơ khác)'),
          ('471', 'Bán lẻ trong các cửa hàng kinh doanh tổng hợp'),
          ('4711', 'Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào chiếm tỷ trọng lớn trong các cửa hàng kinh doanh tổng hợp'),
          ('47111', 'Bán lẻ trong siêu thị (Supermarket)'),
          ('473', 'Bán lẻ nhiên liệu động cơ trong các cửa hàng chuyên doanh'),
          ('4730', 'Bán lẻ nhiên liệu động cơ trong các cửa hàng chuyên doanh'),
          ('477', 'Bán lẻ hàng hóa khác trong các cửa hàng chuyên doanh'),
          ('4772', 'Bán lẻ thuốc, dụng cụ y tế, mỹ phẩm và vật phẩm vệ sinh trong các cửa hàng chuyên doanh'),
          ('47721', 'Bán lẻ thuốc, dụng cụ y tế trong các cửa hàng chuyên doanh'),
          ('4773', 'Bán lẻ hàng hóa khác mới trong các cửa hàng chuyên doanh'),
          ('47732', 'Bán lẻ vàng, bạc, đá quý và đá bán quý, đồ trang sức trong các cửa hàng chuyên doanh'),
          ('4722', 'Bán lẻ thực phẩm trong các cửa hàng chuyên doanh'),
          ('4771', 'Bán lẻ hàng may mặc, giày dép, hàng da và giả da trong các cửa hàng chuyên doanh'),
          ('5610', 'Nhà hàng và các dịch vụ ăn uống phục vụ lưu động'),
          ('5630', 'Dịch vụ phục vụ đồ uống'),
          ('9631', 'Cắt tóc, làm đầu, gội đầu'),
          ('478', 'Bán lẻ lưu động hoặc bán tại chợ'),
          ('4781', 'Bán lẻ lương thực, thực phẩm, đồ uống, thuốc lá, thuốc lào lưu động hoặc tại chợ'),
          ('4782', 'Bán lẻ hàng dệt, may sẵn, giày dép lưu động hoặc tại chợ'),
          ('4789', 'Bán lẻ hàng hóa khác lưu động hoặc tại chợ'));
        """#
}
