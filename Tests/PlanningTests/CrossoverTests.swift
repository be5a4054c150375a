import Testing
@testable import Planning

/// The crossover and the population the search breeds from: a child routes every stop at most once and accounts
/// for every other stop as left out, its kept data equal a fresh computation, and the population keeps no clones.
@Suite struct CrossoverTests {
    /// Two different searched full days of `teams` teams for the same stops.
    static func parents(_ count: Int, teams: Int, seed: UInt64) -> (SearchModel, SearchState, SearchState) {
        let problem = RoutingProblem(stops: fullDayStops(count, seed: seed), teams: teams, start: office)
        let m = SearchModel(problem: problem, stops: Array(0..<count))
        let kicks = RuinAndRecreate(model: m, seed: seed)
        let search = LocalSearch(model: m, penalty: 1)
        func searched(_ order: RuinAndRecreate.Order) -> SearchState {
            var s = SearchState(model: m, routes: Array(repeating: [], count: teams), unassigned: Array(0..<count))
            kicks.recreate(&s, order: order, blink: true)
            search.run(&s, from: Array(0..<count), shouldStop: { false })
            return s
        }
        return (m, searched(.farthestFirst), searched(.random))
    }

    @Test(arguments: [(UInt64(1), 60, 2), (2, 90, 3), (3, 150, 4)])
    func aChildVisitsEveryStopAtMostOnceAndLeavesOutTheRest(seed: UInt64, count: Int, teams: Int) {
        let (m, a, b) = Self.parents(count, teams: teams, seed: seed)
        let crossover = Crossover(m: m, kicks: RuinAndRecreate(model: m, seed: seed))
        var rng = SplitMix64(seed: seed)
        for _ in 0..<20 {
            for child in crossover.children(a, b, stops: Array(0..<count), rng: &rng) {
                let routed = child.routes.flatMap { $0 }
                #expect(child.routes.count == teams)
                #expect(Set(routed).count == routed.count, "a stop routed twice")
                #expect((routed + child.unassigned).sorted() == Array(0..<count), "every stop routed or left out, once")
                let fresh = SearchState(model: m, routes: child.routes, unassigned: child.unassigned)
                #expect(SearchStateTests.differences(child, fresh).isEmpty)
            }
        }
    }

    @Test func thePopulationKeepsNoClonesAndStaysWithinItsSize() {
        let (m, a, b) = Self.parents(80, teams: 3, seed: 4)
        // Nearly all elite: by biased fitness alone, clones of the cheapest would outlive worse distinct solutions.
        var population = Population(minimumSize: 4, generationSize: 3, elite: 6, close: 2)
        let (cheap, dear) = Crossover.isCheaper(a, than: b, penalty: 1) ? (a, b) : (b, a)
        let crossover = Crossover(m: m, kicks: RuinAndRecreate(model: m, seed: 4))
        var rng = SplitMix64(seed: 4)
        var selections = 0
        for k in 0..<40 {
            // The same two solutions again and again (a clone with its teams in another order too), and children.
            var state = k % 3 == 0 ? cheap : k % 3 == 1 ? dear : crossover.srex(a, b, stops: Array(0..<80), penalty: 1, rng: &rng)
            if k % 5 == 0 { state = SearchState(model: m, routes: cheap.routes.reversed(), unassigned: cheap.unassigned) }
            let before = population.members
            population.add(state, m, penalty: 1)
            #expect(population.members.count <= 7)
            // Selection ran (7 members got an eighth and went down to `minimumSize`): the clones went first.
            if before.count == 7 {
                selections += 1
                #expect(population.members.count == 4)
                let offered = Self.distinct(before + [Population.Member(state, m)])
                #expect(Self.distinct(population.members) == min(4, offered), "\(offered) distinct offered, kept \(Self.distinct(population.members))")
            }
        }
        #expect(selections > 2)
        #expect(Population.Member(a, m).distance(to: Population.Member(b, m)) > 0)
        #expect(Population.Member(a, m).distance(to: Population.Member(a, m)) == 0)
    }

    /// How many different solutions `members` holds.
    static func distinct(_ members: [Population.Member]) -> Int {
        members.indices.filter { i in !(0..<i).contains { members[$0].distance(to: members[i]) == 0 } }.count
    }
}
