// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "EconGIS",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "econgis", targets: ["econgis"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "GeoJSON", targets: ["GeoJSON"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // The C libraries: SpatiaLite (with GEOS behind it), PROJ and SQLite. Only Registry imports it.
        .systemLibrary(
            name: "CSpatial",
            pkgConfig: "spatialite",
            providers: [.apt(["libspatialite-dev", "libproj-dev", "libsqlite3-dev"])]
        ),
        // glibc's malloc settings, for the server's process (Sources/Server/Application/HeapRetention.swift).
        .systemLibrary(name: "CHeap"),
        // RFC 7946 values, a reader and a streaming writer. No database, no server.
        .target(name: "GeoJSON"),
        // The domain, validation, storage over GRDB + SpatiaLite, migrations, queries and import.
        .target(
            name: "Registry",
            dependencies: [
                "CSpatial", "GeoJSON",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Who needs a check and in what order: priority with reasons, and routes. No database.
        .target(name: "Planning", dependencies: ["GeoJSON"]),
        // The inspection planner: the registry's facts of a ward scored and routed by Planning.
        .target(name: "Inspections", dependencies: ["Registry", "Planning", "GeoJSON"]),
        // Rendering for people and map tools: tables, CSV, JSON, GeoJSON, streamed layer exports, day sheets.
        .target(name: "Output", dependencies: ["Registry", "Inspections", "Planning", "GeoJSON"]),
        // The embedded demo data set's generator (scripts/make-demo-data) and loader (econgis init --demo), which
        // replays the demo's field work through the inspection lifecycle.
        .target(name: "DemoData", dependencies: ["Registry", "GeoJSON", "Planning", "Inspections"]),
        // OGC CQL2 filters: cql2-text and cql2-json to one syntax tree, then SQLite/SpatiaLite SQL with bound values.
        .target(name: "CQL2", dependencies: ["GeoJSON"]),
        // OGC API – Features over the query layer: the Hummingbird application, one controller per resource.
        .target(
            name: "Server",
            dependencies: [
                "Registry", "Output", "CQL2", "GeoJSON", "Inspections", "Planning", "CHeap",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .executableTarget(
            name: "econgis",
            dependencies: [
                "Registry", "GeoJSON", "DemoData", "Planning", "Inspections", "Output", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release binary carries the Swift runtime and Foundation inside it: the dynamic loader then has far
            // fewer libraries and symbols to bind at every start (a short command is mostly start). Compiling this
            // target with the flag too makes it name Foundation's own static parts (ICU, CoreFoundation) for the
            // linker, as `swift build --static-swift-stdlib` would. Linux only (Apple platforms refuse it); debug and
            // test builds are unchanged.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]
        ),
        .testTarget(name: "GeoJSONTests", dependencies: ["GeoJSON"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "GeoJSON", "Output", "Planning"], exclude: ["Fixtures"]),
        .testTarget(name: "DemoDataTests", dependencies: ["DemoData", "Registry", "GeoJSON", "Planning", "Inspections", "Output"]),
        .testTarget(name: "CLITests", dependencies: ["econgis"]),
        .testTarget(
            name: "InspectionsTests",
            dependencies: ["Inspections", "Registry", "Planning", "GeoJSON", "econgis", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: ["Server", "Registry", "DemoData", "CQL2", "econgis", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["schemathesis.toml", "owslib_client.py", "pyogrio_crs.py", "ats_rows.py", "map_page.py", "stalled_pages.py", "stalled_clients.py"]
        ),
        .testTarget(
            name: "CQL2Tests",
            dependencies: ["CQL2", "Registry", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)
