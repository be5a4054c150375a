import Testing
@testable import DemoData

/// The balancing pass on a partition small enough to reason about: a 1 km square ward cut in two by a straight
/// north-south edge whose ends lie on the ward's border.
@Suite struct AreaBalancingTests {
    static func halves(splitAt x: Double) -> WardPartition {
        let plane = LocalPlane(lon0: 106.65, lat0: 10.76)
        let corners = [(0.0, 0.0), (1000, 0), (1000, 1000), (0, 1000)].map { plane.lonLat(PlanePoint(x: $0.0, y: $0.1)) }
        var partition = WardPartition(plane: plane, rings: [corners + [corners[0]]])
        partition.addCell([(0, 0), (x, 0), (x, 1000), (0, 1000)].map { PlanePoint(x: $0.0, y: $0.1) }, ward: 0)
        partition.addCell([(x, 0), (1000, 0), (1000, 1000), (x, 1000)].map { PlanePoint(x: $0.0, y: $0.1) }, ward: 0)
        partition.subdivideInnerEdges(maximumLength: 40)
        return partition
    }

    func area(_ p: WardPartition, _ c: Int) -> Double { PlaneRing.signedArea(p.ring(p.cells[c])) }

    @Test func areasReachTheirTargetsWhileTheBorderStays() throws {
        var p = AreaBalancingTests.halves(splitAt: 500)
        #expect(p.cells[0].count == 4 + 24, "the 1 km inner edge is cut into 25 pieces of 40 m")
        let border = p.wardRings[0].map { p.points[$0] } + [PlanePoint(x: 500, y: 0), PlanePoint(x: 500, y: 1000)]
        let left = p.balanceAreas(targets: [300_000, 700_000], points: [nil, nil], margin: 10, smoothing: true)
        #expect(left.areaError < 1e-6)
        #expect(abs(area(p, 0) - 300_000) < 1 && abs(area(p, 1) - 700_000) < 1)
        // The edge's ends stay on the border; everything else on the border is untouched.
        for b in border { #expect(p.points.contains(b), "\(b)") }
        let moved: [PlanePoint] = p.cells[0].map { p.points[$0] }.filter { (q: PlanePoint) -> Bool in q.x > 0 && q.y > 0 && q.y < 1000 }
        #expect(moved.count == 24 && moved.allSatisfy { $0.x < 500 }, "the edge bowed into the larger cell")
        try PlaneClipper().checkTiling(p)
    }

    @Test func aPointInTheNeighbourIsBroughtInsideItsCell() throws {
        var p = AreaBalancingTests.halves(splitAt: 500)
        let point = PlanePoint(x: 560, y: 500)
        #expect(WardPartition.depth(of: point, in: p.ring(p.cells[0])).depth < 0)
        let left = p.balanceAreas(targets: [500_000, 500_000], points: [point, nil], margin: 10, smoothing: true)
        #expect(left.pointShortfall < 0.01 && left.areaError < 1e-6)
        #expect(WardPartition.depth(of: point, in: p.ring(p.cells[0])).depth >= 9.99)
        try PlaneClipper().checkTiling(p)
    }

    @Test func crossingEdgesAreSeenByBothChecks() throws {
        var p = AreaBalancingTests.halves(splitAt: 500)
        let edges = WardEdges(partition: p)
        let inner = p.cells[0].first { p.points[$0].x == 500 && p.points[$0].y == 520 }!
        #expect(edges.isPlanar(p.points, movable: [inner: 0]))
        p.points[inner] = PlanePoint(x: 1100, y: 520)  // out through the ward's east border
        #expect(!edges.isPlanar(p.points, movable: [inner: 0]))
        #expect(throws: (any Error).self) { try PlaneClipper().checkTiling(p) }
    }

    /// (The solver's tiny damping keeps answers within a millionth of exact.)
    @Test func leastMovementSolvesAndIsSmallest() {
        // x + y = 2 has its least-norm solution at (1, 1); a second, independent row pins x − y = 0.5.
        let one = WardPartition.leastMovement([.init(entries: [(0, 1), (1, 1)], change: 2)], width: 2)
        #expect(abs(one[0] - 1) < 1e-6 && abs(one[1] - 1) < 1e-6)
        let two = WardPartition.leastMovement([.init(entries: [(0, 1), (1, 1)], change: 2), .init(entries: [(0, 1), (1, -1)], change: 0.5)], width: 3)
        #expect(abs(two[0] - 1.25) < 1e-6 && abs(two[1] - 0.75) < 1e-6 && two[2] == 0)
    }
}
