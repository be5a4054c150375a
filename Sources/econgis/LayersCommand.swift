import ArgumentParser
import Foundation
import Registry

/// `econgis layers`: reference layers (roads, zoning, any GeoPackage or GeoJSON layer) kept beside the registry
/// and served read-only by `econgis serve` as collections of their own.
struct Layers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Reference layers served beside the registry: add a GeoPackage or GeoJSON file, list them, remove one.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a GeoPackage's feature tables (each named after its table) or a GeoJSON file (named after the file) as reference layers.",
            discussion: "All or nothing: a bad value anywhere leaves the database as it was. Coordinates must be longitude/latitude (EPSG:4326, CRS84).")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("The file: .gpkg, .geojson or .json.", valueName: "file")) var file: String
        @Option(help: "The layer's name (its collection id): letters, digits, _ and -, starting with a letter.") var name: String?
        @Option(help: "Only this feature table of the GeoPackage.") var table: String?

        func run() throws {
            for layer in try ReferenceLayerImport(store: database.open()).add(file: file, name: name, table: table, now: Date()) {
                note("added reference layer \(layer.name): \(layer.featureCount) features (\(layer.geometryType)), \(layer.columns.count) properties")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The reference layers: name, features, geometry, source, when added.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let layers = try ReferenceLayers(store: database.openForReading()).all()
            if layers.isEmpty { note("no reference layers") }
            for l in layers {
                print([l.name, "\(l.featureCount)", l.geometryType, l.sourceFile + (l.sourceLayer.map { " (\($0))" } ?? ""), l.addedAt].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a reference layer (only layers added with layers add; the registry's own data is never touched).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The layer's name.") var name: String

        func run() throws {
            try ReferenceLayers(store: database.open()).remove(name)
            note("removed reference layer \(name)")
        }
    }
}
