/// The stops bucketed in a grid of cubes over their unit vectors, so that a node's nearest stops are found by
/// looking at the cells around it, not at every stop. Straight-line metres never shrink as the chord grows, so the
/// search stops once the next ring of cells is farther than the k-th stop found: the lists are the ones a scan of
/// all stops gives, ties by index included.
struct NearestStopsGrid {
    private let travel: TravelTable
    private let low: (x: Double, y: Double, z: Double)
    /// Edge of a cell, in chord units.
    private let edge: Double
    private let cells: (x: Int, y: Int, z: Int)
    /// The stops of cell c are `members[first[c]..<first[c + 1]]`, in index order.
    private let first: [Int]
    private let members: [Int]

    /// A grid over stops 0..<stops of `travel`, which must be straight-line travel; about two stops a cell.
    init(_ travel: TravelTable, stops: Int) {
        self.travel = travel
        var lo = (x: Double.infinity, y: Double.infinity, z: Double.infinity), hi = (x: -Double.infinity, y: -Double.infinity, z: -Double.infinity)
        for i in 0..<stops {
            let p = travel.point(i)
            lo = (min(lo.x, p.x), min(lo.y, p.y), min(lo.z, p.z))
            hi = (max(hi.x, p.x), max(hi.y, p.y), max(hi.z, p.z))
        }
        low = stops > 0 ? lo : (0, 0, 0)
        let extent = stops > 0 ? [hi.x - lo.x, hi.y - lo.y, hi.z - lo.z].sorted(by: >) : [0, 0, 0]
        // Stops of a city lie on a patch of the sphere: size the cells for the two widest extents, then widen them
        // until the box holds no more than eight cells a stop (stops spread over the globe fill a volume).
        let wanted = Double(max(1, stops / 2))
        var edge = extent[1] > 0 ? (extent[0] * extent[1] / wanted).squareRoot() : extent[0] / wanted
        if !(edge > 0) { edge = 1 }
        func count(_ e: Double) -> Double { (e / edge).rounded(.down) + 1 }
        while count(extent[0]) * count(extent[1]) * count(extent[2]) > Double(8 * stops + 8) { edge *= 1.5 }
        self.edge = edge
        cells = stops > 0 ? (Int(count(hi.x - lo.x)), Int(count(hi.y - lo.y)), Int(count(hi.z - lo.z))) : (1, 1, 1)
        var first = [Int](repeating: 0, count: cells.x * cells.y * cells.z + 1)
        var cellOf = [Int](repeating: 0, count: stops)
        for i in 0..<stops {
            let c = Self.clamped(Self.cell(travel.point(i), low, edge), cells)
            cellOf[i] = (c.x * cells.y + c.y) * cells.z + c.z
            first[cellOf[i] + 1] += 1
        }
        for c in 0..<(first.count - 1) { first[c + 1] += first[c] }
        var members = [Int](repeating: 0, count: stops)
        var next = first
        for i in 0..<stops { members[next[cellOf[i]]] = i; next[cellOf[i]] += 1 }
        self.first = first
        self.members = members
    }

    private static func cell(_ p: (x: Double, y: Double, z: Double), _ low: (x: Double, y: Double, z: Double), _ edge: Double) -> (x: Int, y: Int, z: Int) {
        // Far outside the grid (a start across the globe) is as good as a million cells away.
        func index(_ v: Double) -> Int { Int(max(-1e6, min(1e6, (v / edge).rounded(.down)))) }
        return (index(p.x - low.x), index(p.y - low.y), index(p.z - low.z))
    }

    private static func clamped(_ c: (x: Int, y: Int, z: Int), _ cells: (x: Int, y: Int, z: Int)) -> (x: Int, y: Int, z: Int) {
        (max(0, min(cells.x - 1, c.x)), max(0, min(cells.y - 1, c.y)), max(0, min(cells.z - 1, c.z)))
    }

    /// The k stops nearest to node i (any node, also the start or the end), nearest first, ties by index.
    func nearest(_ k: Int, to i: Int) -> [Int] {
        guard k > 0, !members.isEmpty else { return [] }
        let q = Self.cell(travel.point(i), low, edge)
        // Rings of cells at Chebyshev distance r around i's cell, from the first that meets the grid to the last.
        let gap = [-q.x, q.x - (cells.x - 1), -q.y, q.y - (cells.y - 1), -q.z, q.z - (cells.z - 1)]
        var r = max(0, gap.max()!)
        let last = max(q.x, cells.x - 1 - q.x, q.y, cells.y - 1 - q.y, q.z, cells.z - 1 - q.z)
        var best: [(Double, Int)] = []
        best.reserveCapacity(k + 1)
        func consider(_ x: Int, _ y: Int, _ z: Int) {
            let c = (x * cells.y + y) * cells.z + z
            for at in first[c]..<first[c + 1] {
                let j = members[at]
                guard j != i else { continue }
                let key = (travel.distance(i, j), j)
                if best.count == k, key >= best[k - 1] { continue }
                var place = best.count
                while place > 0 && key < best[place - 1] { place -= 1 }
                best.insert(key, at: place)
                if best.count > k { best.removeLast() }
            }
        }
        while true {
            for x in stride(from: max(0, q.x - r), through: min(cells.x - 1, q.x + r), by: 1) {
                for y in stride(from: max(0, q.y - r), through: min(cells.y - 1, q.y + r), by: 1) {
                    if abs(x - q.x) == r || abs(y - q.y) == r {
                        for z in stride(from: max(0, q.z - r), through: min(cells.z - 1, q.z + r), by: 1) { consider(x, y, z) }
                    } else {
                        if q.z - r >= 0 && q.z - r < cells.z { consider(x, y, q.z - r) }
                        if r > 0 && q.z + r >= 0 && q.z + r < cells.z { consider(x, y, q.z + r) }
                    }
                }
            }
            if r >= last { break }
            // Every stop beyond ring r is at least r cells away (less a rounding margin) from i.
            if best.count == k && best[k - 1].0 < travel.metres(chord: max(0, Double(r) * edge - 1e-12)) { break }
            r += 1
        }
        return best.map(\.1)
    }
}
