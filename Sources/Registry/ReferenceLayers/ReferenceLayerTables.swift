/// The catalogue of reference layers an office adds (roads, zoning, any GeoPackage or GeoJSON layer): one row per
/// layer, one per column with the type the server gives it. Each layer's features live in a table of their own,
/// `ref_<name>`, made by ReferenceLayerImport with a SpatiaLite geometry column and spatial index.
enum ReferenceLayerTables {
    static let sql = """
        CREATE TABLE reference_layers (
          name TEXT PRIMARY KEY COLLATE NOCASE,
          table_name TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL,
          source_file TEXT NOT NULL,
          source_layer TEXT,
          geometry_type TEXT NOT NULL,
          -- The geometry's name in the file (a GeoPackage's column, GeoJSON's "geometry"): a filter may use it.
          geometry_name TEXT NOT NULL,
          feature_count INTEGER NOT NULL CHECK (feature_count >= 0),
          added_at TEXT NOT NULL
        );
        CREATE TABLE reference_layer_columns (
          layer TEXT NOT NULL REFERENCES reference_layers(name) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          name TEXT NOT NULL,
          type TEXT NOT NULL CHECK (type IN ('text', 'integer', 'real', 'boolean', 'date', 'timestamp')),
          PRIMARY KEY (layer, position),
          UNIQUE (layer, name)
        );
        """
}
