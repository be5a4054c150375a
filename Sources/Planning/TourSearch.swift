/// The plain tour (one team, distance only, symmetric travel): 2-opt and Or-opt on an array with candidate lists
/// and don't-look bits, kicked by local double bridges that are kept only when the tour gets no longer (iterated
/// local search, Johnson and McGeoch 1997). A kick and its repair cost about what they touch, so a 1 000-stop
/// tour gets tens of thousands of kicks a second where the general search gets a few hundred rounds.
struct TourSearch {
    /// The path: `tour[0]` is the start, `tour[last]` the end, the stops in between; `place[node]` inverts it.
    private(set) var tour: [Int]
    private var place: [Int]
    private(set) var length: Double
    private let travel: TravelTable
    /// The candidate lists in one flat array (node a's are near[nearStart[a]..<nearStart[a + 1]]) with their
    /// distances: the loops below read them without retaining a list per node or looking the distance up.
    private let near: [Int]
    private let nearDistance: [Double]
    private let nearStart: [Int]
    private var queue: [Int] = []
    private var queued: [Bool]
    /// Reversals applied since the last kick, to undo a kick that did not pay.
    private var undo: [(Int, Int)] = []
    private var rng: SplitMix64
    /// Kicks per round of `maxIterations`, so that a seeded run of a few thousand rounds gets far.
    static let kicksPerRound = 64
    static let eps = 1e-7

    /// For one team, when only distance matters, travel is the same both ways and every stop fits.
    static func applies(_ m: SearchModel, _ stops: [Int]) -> Bool {
        m.teams == 1 && !m.constrained && m.symmetric && stops.count <= m.maxStops && stops.count >= 8
    }

    /// Starts from the nearest-neighbour path through `stops` (nodes of `m`) from the start. Once `shouldStop`
    /// (asked every 256 stops) says so, the stops not yet placed follow in index order: a tour, only a worse one.
    init(model m: SearchModel, stops: [Int], seed: UInt64, shouldStop: () -> Bool = { false }) {
        travel = m.travel
        var near: [Int] = [], nearDistance: [Double] = [], nearStart = [0]
        for a in 0..<m.size {
            for c in m.neighbours[a] { near.append(c); nearDistance.append(m.D(a, c)) }
            nearStart.append(near.count)
        }
        (self.near, self.nearDistance, self.nearStart) = (near, nearDistance, nearStart)
        rng = SplitMix64(seed: seed ^ 0x7045)
        queued = Array(repeating: false, count: m.size)
        var left = Array(repeating: false, count: m.size)
        for v in stops { left[v] = true }
        var remaining = stops.count
        var path = [m.startNode]
        var scan = 0
        let order = stops.sorted()
        while remaining > 0 {
            if remaining & 255 == 0 && shouldStop() {
                path += order.filter { left[$0] }
                break
            }
            let at = path[path.count - 1]
            var next = m.neighbours[at].first { left[$0] } ?? -1
            if next < 0 {
                // No near stop is left: the nearest of all that are.
                while !left[order[scan]] { scan += 1 }
                var best = Double.infinity
                for v in order[scan...] where left[v] && m.D(at, v) < best { best = m.D(at, v); next = v }
            }
            left[next] = false
            remaining -= 1
            path.append(next)
        }
        path.append(m.endNode)
        tour = path
        place = Array(repeating: -1, count: m.size)
        for (i, v) in path.enumerated() { place[v] = i }
        length = zip(path, path.dropFirst()).reduce(0) { $0 + m.D($1.0, $1.1) }
    }

    /// The stops in order, without the start and the end.
    var stops: [Int] { Array(tour[1..<(tour.count - 1)]) }

    @inline(__always) private func d(_ a: Int, _ b: Int) -> Double { travel.distance(a, b) }

    /// Local search, then kicks until `kicks` have been tried or `shouldStop` (asked every few kicks) says so.
    /// Returns the kicks tried.
    mutating func improve(kicks: Int?, shouldStop: () -> Bool) -> Int {
        for v in tour { enqueue(v) }
        descend(shouldStop: shouldStop)
        let stopCount = tour.count - 2
        guard stopCount >= 8 else { return 0 }
        var tried = 0
        while kicks.map({ tried < $0 }) ?? true {
            if tried & 15 == 0 && shouldStop() { break }
            tried += 1
            let before = length
            undo.removeAll(keepingCapacity: true)
            kick(stopCount)
            descend(shouldStop: { false })
            if length > before + Self.eps {
                for (i, j) in undo.reversed() { reverse(i, j, logged: false) }
                length = before
            }
        }
        return tried
    }

    /// Swaps two short neighbouring stretches of the path (a double bridge that stays local), and queues their ends.
    private mutating func kick(_ stopCount: Int) {
        let longest = max(1, min(30, stopCount / 3))
        let l1 = 1 + rng.below(longest), l2 = 1 + rng.below(longest)
        let p1 = rng.below(stopCount - l1 - l2 + 1)  // the last place before the first stretch (0: the start)
        let p2 = p1 + l1, p3 = p2 + l2
        enqueue(tour[p1]); enqueue(tour[p1 + 1]); enqueue(tour[p2]); enqueue(tour[p2 + 1]); enqueue(tour[p3]); enqueue(tour[p3 + 1])
        length += d(tour[p1], tour[p2 + 1]) + d(tour[p3], tour[p1 + 1]) + d(tour[p2], tour[p3 + 1])
            - d(tour[p1], tour[p1 + 1]) - d(tour[p2], tour[p2 + 1]) - d(tour[p3], tour[p3 + 1])
        reverse(p1 + 1, p2)
        reverse(p2 + 1, p3)
        reverse(p1 + 1, p3)
    }

    /// Reverses tour[i...j] and keeps `place` in step.
    private mutating func reverse(_ i: Int, _ j: Int, logged: Bool = true) {
        guard i < j else { return }
        if logged { undo.append((i, j)) }
        var a = i, b = j
        while a < b {
            let x = tour[a], y = tour[b]
            tour[a] = y; place[y] = a
            tour[b] = x; place[x] = b
            a += 1; b -= 1
        }
    }

    private mutating func enqueue(_ v: Int) {
        guard !queued[v] else { return }
        queued[v] = true
        queue.append(v)
    }

    /// Applies improving moves around queued nodes until none is left (don't-look bits: a node is looked at again
    /// only when one of its edges changed).
    private mutating func descend(shouldStop: () -> Bool) {
        var head = 0, pops = 0
        while head < queue.count {
            pops += 1
            if pops & 1023 == 0 && shouldStop() { break }
            let a = queue[head]
            head += 1
            queued[a] = false
            if twoOpt(a) || orOpt(a) { enqueue(a) }
            if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
        }
        for v in queue[head...] { queued[v] = false }
        queue.removeAll(keepingCapacity: true)
    }

    /// 2-opt: a new edge from `a` to a near stop c, both with their successors and with their predecessors.
    private mutating func twoOpt(_ a: Int) -> Bool {
        let i = place[a], last = tour.count - 1
        if i < last {
            let b = tour[i + 1], ab = d(a, b)
            for x in nearStart[a]..<nearStart[a + 1] {
                let c = near[x], ac = nearDistance[x]
                if ac >= ab - Self.eps { break }
                let j = place[c]
                guard c != b, j < last else { continue }
                let e = tour[j + 1]
                let delta = ac + d(b, e) - ab - d(c, e)
                guard delta < -Self.eps else { continue }
                if i < j { reverse(i + 1, j) } else { reverse(j + 1, i) }
                length += delta
                enqueue(a); enqueue(b); enqueue(c); enqueue(e)
                return true
            }
        }
        if i > 0 {
            let p = tour[i - 1], pa = d(p, a)
            for x in nearStart[a]..<nearStart[a + 1] {
                let c = near[x], ac = nearDistance[x]
                if ac >= pa - Self.eps { break }
                let j = place[c]
                guard c != p, j > 0 else { continue }
                let q = tour[j - 1]
                let delta = ac + d(p, q) - pa - d(q, c)
                guard delta < -Self.eps else { continue }
                if i < j { reverse(i, j - 1) } else { reverse(j, i - 1) }
                length += delta
                enqueue(a); enqueue(p); enqueue(c); enqueue(q)
                return true
            }
        }
        return false
    }

    /// Or-opt: 1 to 3 stops that begin or end with `a` moved next to a near stop, either way round.
    private mutating func orOpt(_ a: Int) -> Bool {
        let i = place[a], last = tour.count - 1
        guard i > 0 && i < last else { return false }
        for k in 1...3 {
            for side in 0..<(k == 1 ? 1 : 2) {
                let s = side == 0 ? i : i - k + 1, e = s + k - 1
                guard s >= 1 && e <= last - 1 else { continue }
                let p = tour[s - 1], f = tour[s], l = tour[e], q = tour[e + 1]
                let gain = d(p, f) + d(l, q) - d(p, q)
                for n in nearStart[a]..<nearStart[a + 1] {
                    let c = near[n]
                    if nearDistance[n] >= gain - Self.eps { break }
                    let j = place[c]
                    if j >= s && j <= e { continue }
                    // The edge (x, y) the stretch goes into: after c or before it; not one that touches the stretch.
                    for x in stride(from: j, through: j - 1, by: -1) where x >= 0 && x + 1 <= last && x != s - 1 && x != e {
                        let u = tour[x], w = tour[x + 1]
                        let forward = d(u, f) + d(l, w), backward = d(u, l) + d(f, w)
                        let added = min(forward, backward) - d(u, w)
                        guard added < gain - Self.eps else { continue }
                        move(s, e, after: x, reversed: backward < forward)
                        length += added - gain
                        enqueue(p); enqueue(f); enqueue(l); enqueue(q); enqueue(u); enqueue(w)
                        return true
                    }
                }
            }
        }
        return false
    }

    /// Moves tour[s...e] between places x and x + 1 (outside the stretch), as three or two reversals.
    private mutating func move(_ s: Int, _ e: Int, after x: Int, reversed: Bool) {
        if x > e {
            if !reversed { reverse(s, e) }
            reverse(e + 1, x)
            reverse(s, x)
        } else {
            reverse(x + 1, s - 1)
            if !reversed { reverse(s, e) }
            reverse(x + 1, e)
        }
    }
}
