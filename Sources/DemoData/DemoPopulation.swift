import Foundation

/// The people of a generated product: accounts of Zipf-like sizes (a few large, many small), each
/// on a plan; users who keep one country, browser and device, arrive over the window (most before
/// it starts), are active with a heavy-tailed rate, and some churn.
struct DemoPopulation {
    struct Account { var name: String; var plan: String }

    struct User {
        var name: String
        var account: Int
        var country: String, browser: String, device: String, os: String, platform: String
        /// Active from `firstDay` to `lastDay` (days from the window's start), `weight` sessions per active day, relatively.
        var firstDay: Int, lastDay: Int
        var weight: Double
        /// Arrived during the window: goes through signup and onboarding first.
        var isNew: Bool
        /// Browsed anonymously before signing up (merged at signup).
        var anonymousID: String?
    }

    static let companies = ["brightloop", "northwind", "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne",
                            "cyberdyne", "tyrell", "soylent", "gringotts", "wonka", "oscorp", "aperture", "blackmesa", "monarch", "sirius"]
    static let firstNames = ["ada", "grace", "alan", "linus", "maria", "ken", "barbara", "dennis", "margaret", "edsger",
                             "frances", "john", "radia", "tim", "hedy", "donald", "sophie", "yukihiro", "guido", "anita"]
    static let countries = [("US", 30), ("DE", 12), ("GB", 10), ("FR", 9), ("IN", 8), ("BR", 7), ("JP", 6), ("CA", 6), ("ES", 5), ("NL", 4), ("SE", 3)]
    static let browsers = [("Chrome", 60), ("Safari", 20), ("Firefox", 10), ("Edge", 10)]
    static let devices = [("desktop", 70), ("mobile", 22), ("tablet", 8)]

    var accounts: [Account] = []
    var users: [User] = []

    init(users userCount: Int, accounts accountCount: Int, days: Int, rng: inout SplitMix64) {
        for a in 0..<accountCount {
            let plan = rng.chance(0.15) ? "enterprise" : rng.chance(0.4) ? "pro" : "free"
            accounts.append(Account(name: "\(Self.companies[a % Self.companies.count])-\(a)", plan: plan))
        }
        // Zipf-like account sizes: account k draws users with weight 1/(k+1).
        let accountWeights = (0..<accountCount).map { 1.0 / Double($0 + 1) }
        let accountTable = CumulativeTable(accountWeights)
        for u in 0..<userCount {
            let account = accountTable.sample(&rng)
            let device = Self.weighted(Self.devices, &rng)
            let os = device == "desktop" ? Self.weighted([("Windows", 55), ("macOS", 35), ("Linux", 10)], &rng) : Self.weighted([("iOS", 55), ("Android", 45)], &rng)
            let isNew = !rng.chance(0.6)
            let firstDay = isNew ? Int(rng.unit() * Double(days)) : 0
            // Churn: a quarter stop during the window, new users sooner.
            let lastDay = rng.chance(isNew ? 0.35 : 0.2) ? min(days - 1, firstDay + Int(rng.unit() * Double(days - firstDay))) : days - 1
            let name = "\(Self.firstNames[u % Self.firstNames.count]).\(u)@\(accounts[account].name).example.com"
            // Pareto-distributed activity, capped so one user cannot dominate.
            let weight = min(20, 1 / pow(max(rng.unit(), 1e-9), 1 / 1.4))
            let anonymous = isNew && rng.chance(0.4) ? "anon-" + String(rng.next(), radix: 16) : nil
            users.append(User(name: name, account: account, country: Self.weighted(Self.countries, &rng), browser: Self.weighted(Self.browsers, &rng),
                              device: device, os: os, platform: device == "desktop" ? "web" : (os == "iOS" ? "ios" : "android"),
                              firstDay: firstDay, lastDay: lastDay, weight: weight, isNew: isNew, anonymousID: anonymous))
        }
    }

    static func weighted(_ items: [(String, Int)], _ rng: inout SplitMix64) -> String {
        var roll = Int(rng.next() % UInt64(items.reduce(0) { $0 + $1.1 }))
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }
}

/// Draws an index with probability proportional to its weight (binary search over the running sums).
struct CumulativeTable {
    private var sums: [Double] = []

    init(_ weights: [Double]) {
        var total = 0.0
        sums = weights.map { total += $0; return total }
    }

    func sample(_ rng: inout SplitMix64) -> Int {
        let target = rng.unit() * (sums.last ?? 0)
        var lo = 0, hi = sums.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if sums[mid] <= target { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
