using HaSystem.Bench.Scenarios;
using HaSystem.Contracts.Storage;

namespace HaSystem.Bench;

/// <summary>The command line: which profile, which scenarios, where the report and charts go.</summary>
public sealed record BenchOptions(BenchProfile Profile, IReadOnlyList<string> Scenarios, string OutputDirectory, string Store)
{
    public const string Usage = """
        Usage: dotnet run --project bench/HaSystem.Bench -c Release -- [--quick] [--scenarios a,b] [--store S] [--output DIR]

          --quick           a smoke run (short phases, low rates, one failover): checks that the bench runs and its
                            invariants hold, not the timings. Writes to a temporary folder unless --output is given.
          --scenarios a,b   only these, run in the bench's order: steady, orders, cache-outage, leader-loss,
                            state-failover, state-pause, api-replica-loss (default: all).
          --store S         the catalog's store: sqlite (default) or postgres (needs the postgresql package).
          --output DIR      where BENCHMARKS.md and the charts go (default for a full run: the repository's docs/).

        It starts the whole system itself (Aspire.Hosting.Testing, no dashboard) and stops it at the end.
        Needs redis-server, redis-sentinel and redis-benchmark on PATH (Debian: redis-server redis-sentinel redis-tools).
        Exit code: 0 when every invariant held, 1 when one did not or the run failed, 2 for a bad command line.
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args, IReadOnlyList<string> known)
    {
        var quick = false;
        var store = CatalogDatabaseProviders.Sqlite;
        string? output = null;
        IReadOnlyList<string> scenarios = known;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--store" when i + 1 < args.Count:
                    store = args[++i];
                    if (!CatalogDatabaseProviders.All.Contains(store))
                    {
                        throw new ArgumentException($"Unknown store '{store}'. Known: {string.Join(", ", CatalogDatabaseProviders.All)}.");
                    }

                    break;
                case "--output" when i + 1 < args.Count:
                    output = Path.GetFullPath(args[++i]);
                    break;
                case "--scenarios" when i + 1 < args.Count:
                    var named = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = named.Except(known).ToArray();
                    if (unknown.Length > 0 || named.Length == 0)
                    {
                        throw new ArgumentException($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", known)}.");
                    }

                    scenarios = known.Where(named.Contains).ToArray();
                    break;
                default:
                    throw new ArgumentException($"Unknown or incomplete option '{args[i]}'.");
            }
        }

        output ??= quick ? Path.Combine(Path.GetTempPath(), "hasystem-bench-quick") : Path.Combine(RepositoryRoot(), "docs");
        return new BenchOptions(quick ? BenchProfile.Quick : BenchProfile.Full, scenarios, output, store);
    }

    /// <summary>The folder holding <c>HaSystem.sln</c>, found upwards from the bench's binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HaSystem.sln")))
            {
                return directory.FullName;
            }
        }

        throw new ArgumentException("Cannot find the repository (HaSystem.sln) above the bench's binaries; give --output.");
    }
}
