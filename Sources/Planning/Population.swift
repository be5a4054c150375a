/// Feasible solutions the search breeds from (Vidal et al. 2012, "A hybrid genetic algorithm for multidepot and
/// periodic vehicle routing problems"; PyVRP's Population): a partner is drawn by binary tournament on biased
/// fitness (rank by cost plus rank by diversity), and when the population outgrows `minimumSize + generationSize`
/// the clones go first, then the worst by biased fitness, down to `minimumSize`.
struct Population {
    /// A solution with each stop's neighbours in its routes, for the broken-pairs distance.
    struct Member {
        var state: SearchState
        /// Previous and next node of each stop, -1 when left out (start and end are nodes n and n + 1).
        let before: [Int32]
        let after: [Int32]

        init(_ state: SearchState, _ m: SearchModel) {
            var before = Array(repeating: Int32(-1), count: m.n), after = before
            for route in state.routes {
                for (i, v) in route.enumerated() {
                    before[v] = Int32(i == 0 ? m.startNode : route[i - 1])
                    after[v] = Int32(i == route.count - 1 ? m.endNode : route[i + 1])
                }
            }
            self.state = state
            self.before = before
            self.after = after
        }

        /// The share of stop neighbours that differ: 0 for the same routes (in any team order), 1 for nothing alike.
        func distance(to other: Member) -> Double {
            var broken = 0
            for v in before.indices {
                if before[v] != other.before[v] { broken += 1 }
                if after[v] != other.after[v] { broken += 1 }
            }
            return Double(broken) / Double(max(1, 2 * before.count))
        }
    }

    private(set) var members: [Member] = []
    /// Broken-pairs distance between every two members.
    private(set) var distances: [[Double]] = []
    let minimumSize: Int
    let generationSize: Int
    /// Members counted as elite: the more, the less diversity weighs against cost.
    let elite: Int
    /// Diversity is the mean distance to this many nearest other members.
    let close: Int

    init(minimumSize: Int, generationSize: Int, elite: Int, close: Int) {
        self.minimumSize = minimumSize
        self.generationSize = generationSize
        self.elite = elite
        self.close = close
    }

    /// Adds a solution; when the population is full, selects the survivors.
    mutating func add(_ state: SearchState, _ m: SearchModel, penalty: Double) {
        let member = Member(state, m)
        let row = members.map { $0.distance(to: member) }
        for i in distances.indices { distances[i].append(row[i]) }
        distances.append(row + [0])
        members.append(member)
        guard members.count > minimumSize + generationSize else { return }
        while members.count > minimumSize {
            if let k = clone() { remove(at: k); continue }
            let fitness = fitness(penalty: penalty)
            remove(at: fitness.indices.max { (fitness[$0], $0) < (fitness[$1], $1) }!)
        }
    }

    private mutating func remove(at k: Int) {
        members.remove(at: k)
        distances.remove(at: k)
        for i in distances.indices { distances[i].remove(at: k) }
    }

    /// A member that has a clone (distance 0 to an earlier one), or nil.
    private func clone() -> Int? {
        members.indices.reversed().first { i in (0..<i).contains { distances[i][$0] < 1e-12 } }
    }

    /// Biased fitness of each member, lower is better: rank by cost, plus rank by diversity weighted by how many
    /// members are not elite.
    func fitness(penalty: Double) -> [Double] {
        let count = members.count
        guard count > 1 else { return Array(repeating: 0, count: count) }
        let byCost = members.indices.sorted { i, j in
            let (x, y) = (members[i].state, members[j].state)
            return Crossover.isCheaper(x, than: y, penalty: penalty) || (!Crossover.isCheaper(y, than: x, penalty: penalty) && i < j)
        }
        let spread = members.indices.map { i in
            let near = distances[i].enumerated().filter { $0.offset != i }.map(\.element).sorted().prefix(close)
            return near.isEmpty ? 0 : near.reduce(0, +) / Double(near.count)
        }
        let byDiversity = members.indices.sorted { (spread[$0], -$0) > (spread[$1], -$1) }
        var costRank = Array(repeating: 0, count: count), diversityRank = costRank
        for (rank, i) in byCost.enumerated() { costRank[i] = rank }
        for (rank, i) in byDiversity.enumerated() { diversityRank[i] = rank }
        let weight = 1 - Double(min(elite, count)) / Double(count)
        return (0..<count).map { (Double(costRank[$0]) + weight * Double(diversityRank[$0])) / Double(count - 1) }
    }

    /// The better by biased fitness of two members drawn at random.
    func tournament(_ rng: inout SplitMix64, penalty: Double) -> SearchState {
        let fitness = fitness(penalty: penalty)
        let (x, y) = (rng.below(members.count), rng.below(members.count))
        return members[fitness[x] <= fitness[y] ? x : y].state
    }
}
