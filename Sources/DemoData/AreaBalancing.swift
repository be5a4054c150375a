import Foundation
import Registry

/// Brings each pre-2025 ward to its area from the facts and keeps its FACTS.md point inside it, once the neighbour
/// graph is right. Only vertices off the 2025 borders move, so the borders, the junctions on them and the
/// neighbour graph stay as `alignBorders` made them; the edges inside a 2025 ward bend instead.
extension WardPartition {
    /// Cuts every edge between two cells of one 2025 ward into pieces no longer than `length`, so that it can bend.
    mutating func subdivideInnerEdges(maximumLength length: Double) {
        var owner: [Pair: Int] = [:]
        for c in cells.indices {
            let r = cells[c]
            for i in r.indices { owner[Pair(r[i], r[(i + 1) % r.count])] = c }
        }
        var inserted: [Pair: [Int]] = [:]
        for c in cells.indices {
            var out: [Int] = []
            let r = cells[c]
            for i in r.indices {
                let a = r[i], b = r[(i + 1) % r.count]
                out.append(a)
                guard let other = owner[Pair(b, a)], cellWard[other] == cellWard[c] else { continue }
                let key = Pair(min(a, b), max(a, b))
                if inserted[key] == nil {
                    let from = points[key.a], step = points[key.b] - from
                    let pieces = max(1, Int((step.length / length).rounded(.up)))
                    inserted[key] = (1..<pieces).map { k in
                        points.append(from + step * (Double(k) / Double(pieces)))
                        return points.count - 1
                    }
                }
                out += a == key.a ? inserted[key]! : inserted[key]!.reversed()
            }
            cells[c] = out
        }
    }

    /// Each vertex's neighbours along the cells' edges.
    func vertexNeighbours() -> [Int: Set<Int>] {
        var near: [Int: Set<Int>] = [:]
        for r in cells { for i in r.indices { near[r[i], default: []].formUnion([r[(i + 1) % r.count], r[(i + r.count - 1) % r.count]]) } }
        return near
    }

    /// Where a cell's point lies in a neighbour, slides the cell's junction nearest the point (off the 2025 borders)
    /// along the straight edge between the two other cells there, to `margin` past the point's foot on that edge:
    /// the cell then reaches the point but for a bulge of its edge that `balanceAreas` makes. Returns the
    /// junctions moved, which the first, straight-edged balancing leaves where they are. Run before
    /// `subdivideInnerEdges`.
    mutating func slideJunctionsTowardPoints(_ wanted: [PlanePoint?], margin: Double) throws -> Set<Int> {
        var moved = Set<Int>()
        for c in cells.indices {
            guard let p = wanted[c], WardPartition.depth(of: p, in: ring(cells[c])).depth < margin else { continue }
            let near = vertexNeighbours()
            let own = Set(cells[c])
            let junctions = cells[c].filter { near[$0]!.count == 3 && !isOnAnyBorder($0) }
            guard let j = junctions.min(by: { (points[$0] - p).length < (points[$1] - p).length }),
                  let far = near[j]!.sorted().first(where: { !own.contains($0) }) else {
                throw RegistryError.database("demo geometry: cell \(c) has no junction to slide toward its point")
            }
            let from = points[j], edge = points[far] - from
            let along = min((p - from).dot(edge) / edge.length + margin, edge.length - margin)
            guard along > 0 else { throw RegistryError.database("demo geometry: the point of cell \(c) lies behind its nearest junction") }
            points[j] = from + edge * (along / edge.length)
            guard WardEdges(partition: self).isPlanar(points, movable: [j: 0]) else {
                throw RegistryError.database("demo geometry: sliding a junction of cell \(c) toward its point makes edges cross")
            }
            moved.insert(j)
        }
        return moved
    }

    /// Moves the vertices inside the 2025 wards until every cell has its target area (m², consistent with the ward's
    /// area) and keeps its point at least `margin` inside. Each round takes the least-movement Gauss–Newton step
    /// (capped at `maximumStep` metres per vertex and halved until no edge crosses another). With `smoothing`, until
    /// the shape settles or half the rounds are used, each round first pulls every vertex on a bent edge halfway to
    /// the middle of its two neighbours, so edges bow smoothly instead of zigzagging; plain steps then make the
    /// targets exact. Returns the largest relative area error and point shortfall (m) seen before the last step.
    @discardableResult
    mutating func balanceAreas(targets: [Double], points wanted: [PlanePoint?], margin: Double,
                               fixed: Set<Int> = [], smoothing smooth: Bool, maximumStep: Double = 5, rounds: Int = 300)
        -> (areaError: Double, pointShortfall: Double)
    {
        let movable = Set(cells.flatMap { $0 }).subtracting(fixed).sorted().filter { !isOnAnyBorder($0) }
        let column = Dictionary(uniqueKeysWithValues: movable.enumerated().map { ($1, $0) })
        let near = vertexNeighbours()
        let chains = movable.filter { near[$0]!.count == 2 }.map { v in (v, near[v]!.sorted()) }
        let edges = WardEdges(partition: self)
        var smoothing = smooth
        var left = (areaError: Double.infinity, pointShortfall: Double.infinity)
        for round in 0..<rounds {
            let before = points
            if smoothing {
                var moved = points
                for (v, ab) in chains { moved[v] = points[v] + ((points[ab[0]] + points[ab[1]]) * 0.5 - points[v]) * 0.5 }
                if edges.isPlanar(moved, movable: column) { points = moved }
            }
            var rows: [Requirement] = []
            left = (0, 0)
            for c in cells.indices {
                let r = cells[c], ring = ring(r)
                var row = Requirement(entries: [], change: 0)
                for i in r.indices {
                    guard let k = column[r[i]] else { continue }
                    let prev = ring[(i + r.count - 1) % r.count], next = ring[(i + 1) % r.count]
                    row.entries += [(2 * k, (next.y - prev.y) / 2), (2 * k + 1, (prev.x - next.x) / 2)]
                }
                let area = PlaneRing.signedArea(ring)
                left.areaError = max(left.areaError, abs(area / targets[c] - 1))
                row.change = targets[c] - area
                rows.append(row)
                if let p = wanted[c], let row = pointRow(cell: c, point: p, margin: margin, column: column) {
                    left.pointShortfall = max(left.pointShortfall, row.change)
                    rows.append(row)
                }
            }
            if !smoothing && left.areaError < 1e-6 && left.pointShortfall < 0.01 { break }
            let step = WardPartition.leastMovement(rows, width: 2 * movable.count)
            let longest = movable.indices.map { k -> Double in PlanePoint(x: step[2 * k], y: step[2 * k + 1]).length }.max() ?? 0
            var scale = longest > maximumStep ? maximumStep / longest : 1
            var stuck = true
            for _ in 0..<10 {
                var moved = points
                for (k, v) in movable.enumerated() { moved[v] = points[v] + PlanePoint(x: step[2 * k], y: step[2 * k + 1]) * scale }
                if edges.isPlanar(moved, movable: column) { points = moved; stuck = longest * scale < 1e-6; break }
                scale /= 2
            }
            // What cannot move (a cell with no free vertex, a step that always crosses an edge) ends the balancing.
            if !smoothing && stuck { break }
            // Settled: smoothing and the step undo each other to within a millimetre.
            if smoothing && (round >= rounds / 2 || movable.allSatisfy({ (points[$0] - before[$0]).length < 1e-3 })) { smoothing = false }
        }
        return left
    }

    /// How deep `p` lies inside `ring` (negative outside), and the boundary point nearest it: edge `i` at `t`.
    static func depth(of p: PlanePoint, in ring: [PlanePoint]) -> (depth: Double, i: Int, t: Double) {
        var best = (distance: Double.infinity, i: 0, t: 0.0)
        for i in ring.indices {
            let a = ring[i], ab = ring[(i + 1) % ring.count] - a
            let t = max(0, min(1, (p - a).dot(ab) / max(ab.dot(ab), 1e-300)))
            let d = (p - (a + ab * t)).length
            if d < best.distance { best = (d, i, t) }
        }
        return (PlaneRing.contains(ring, p) ? best.distance : -best.distance, best.i, best.t)
    }

    /// A row asking the depth of `point` in cell `c` to grow to `margin`, through the nearest point of the cell's
    /// boundary; nil while the point lies more than 5 m deeper than that.
    private func pointRow(cell c: Int, point p: PlanePoint, margin: Double, column: [Int: Int]) -> Requirement? {
        let r = cells[c], ring = ring(r)
        let (depth, i, t) = WardPartition.depth(of: p, in: ring)
        guard depth < margin + 5, abs(depth) > 1e-9 else { return nil }
        let a = ring[i], b = ring[(i + 1) % r.count]
        // Moving the nearest boundary point q by δ changes the depth by u·δ, u pointing from the point outward.
        let q = a + (b - a) * t
        let u = (depth > 0 ? q - p : p - q) * (1 / abs(depth))
        var row = Requirement(entries: [], change: max(0, margin - depth))
        for (v, share) in [(r[i], 1 - t), (r[(i + 1) % r.count], t)] {
            guard let k = column[v] else { continue }
            row.entries += [(2 * k, u.x * share), (2 * k + 1, u.y * share)]
        }
        return row
    }

    /// One linearised requirement: the change of a cell's area (or of a point's depth) wanted, and its gradient
    /// with respect to the free coordinates (x and y of each movable vertex), sparse.
    struct Requirement {
        var entries: [(column: Int, value: Double)]
        var change: Double
    }

    /// The smallest move δ with J δ = change for every row (J's rows the gradients): δ = Jᵀ (J Jᵀ + μI)⁻¹ change.
    /// The tiny μ covers the one dependent row per 2025 ward (its cells' areas always add up to the ward's).
    static func leastMovement(_ rows: [Requirement], width: Int) -> [Double] {
        let n = rows.count
        var m = Array(repeating: Array(repeating: 0.0, count: n + 1), count: n)
        var dense = Array(repeating: 0.0, count: width)
        for i in 0..<n {
            for e in rows[i].entries { dense[e.column] += e.value }
            for j in i..<n {
                let s = rows[j].entries.reduce(0.0) { $0 + dense[$1.column] * $1.value }
                (m[i][j], m[j][i]) = (s, s)
            }
            for e in rows[i].entries { dense[e.column] = 0 }
            m[i][n] = rows[i].change
        }
        let mu = 1e-9 * max(1e-12, (0..<n).map { m[$0][$0] }.max() ?? 0)
        for i in 0..<n { m[i][i] += mu }
        // Gaussian elimination with partial pivoting on the augmented matrix.
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            m.swapAt(col, pivot)
            for row in (col + 1)..<n where m[row][col] != 0 {
                let f = m[row][col] / m[col][col]
                for k in col...n { m[row][k] -= f * m[col][k] }
            }
        }
        var y = Array(repeating: 0.0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = m[i][n]
            for k in (i + 1)..<n { s -= m[i][k] * y[k] }
            y[i] = s / m[i][i]
        }
        var step = Array(repeating: 0.0, count: width)
        for i in 0..<n { for e in rows[i].entries { step[e.column] += e.value * y[i] } }
        return step
    }
}

/// The partition's edges, each once, grouped by 2025 ward: to tell whether moving vertices made two edges cross.
struct WardEdges {
    var byWard: [[(a: Int, b: Int)]]
    /// Side of the grid squares that bucket the edges, in metres.
    static let square = 30.0

    init(partition: WardPartition) {
        var seen = Set<WardPartition.Pair>()
        byWard = Array(repeating: [], count: partition.wardRings.count)
        for c in partition.cells.indices {
            let r = partition.cells[c]
            for i in r.indices {
                let (a, b) = (r[i], r[(i + 1) % r.count])
                if seen.insert(WardPartition.Pair(min(a, b), max(a, b))).inserted { byWard[partition.cellWard[c]].append((a, b)) }
            }
        }
    }

    /// Whether no edge with a movable end crosses, touches or folds back onto another edge of its ward.
    func isPlanar(_ points: [PlanePoint], movable: [Int: Int]) -> Bool {
        func squares(_ e: (a: Int, b: Int)) -> [Int] {
            let p = points[e.a], q = points[e.b]
            let (x0, x1) = (Int((min(p.x, q.x) / WardEdges.square).rounded(.down)), Int((max(p.x, q.x) / WardEdges.square).rounded(.down)))
            let (y0, y1) = (Int((min(p.y, q.y) / WardEdges.square).rounded(.down)), Int((max(p.y, q.y) / WardEdges.square).rounded(.down)))
            return (x0...x1).flatMap { x in (y0...y1).map { y in x * 100_003 + y } }
        }
        for edges in byWard {
            var grid: [Int: [Int]] = [:]
            for (j, f) in edges.enumerated() { for k in squares(f) { grid[k, default: []].append(j) } }
            var checked = Array(repeating: -1, count: edges.count)
            for (i, e) in edges.enumerated() where movable[e.a] != nil || movable[e.b] != nil {
                for k in squares(e) {
                    for j in grid[k]! where j != i && checked[j] != i {
                        checked[j] = i
                        if WardEdges.conflict(e, edges[j], points) { return false }
                    }
                }
            }
        }
        return true
    }
    /// Two edges conflict when they meet anywhere but at a shared end, or lie along each other from a shared end.
    static func conflict(_ e: (a: Int, b: Int), _ f: (a: Int, b: Int), _ points: [PlanePoint]) -> Bool {
        func cross(_ o: PlanePoint, _ a: PlanePoint, _ b: PlanePoint) -> Double { (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x) }
        let shared = [e.a, e.b].filter { $0 == f.a || $0 == f.b }
        if shared.count == 2 { return false }
        if let o = shared.first {
            let x = points[e.a == o ? e.b : e.a] - points[o], y = points[f.a == o ? f.b : f.a] - points[o]
            return abs(x.x * y.y - x.y * y.x) <= 1e-9 * x.length * y.length && x.dot(y) > 0
        }
        let (p, q, r, s) = (points[e.a], points[e.b], points[f.a], points[f.b])
        let d1 = cross(r, s, p), d2 = cross(r, s, q), d3 = cross(p, q, r), d4 = cross(p, q, s)
        return d1 * d2 <= 0 && d3 * d4 <= 0
    }
}
