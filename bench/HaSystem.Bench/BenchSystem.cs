using System.Globalization;

namespace HaSystem.Bench;

/// <summary>How the bench configures the system it starts (AppHost arguments, as a test would pass them).</summary>
public static class BenchSystem
{
    /// <summary>Reports every 2 s instead of 10 s, so a leader hand-over spans several report periods.</summary>
    public const int ReportPeriodSeconds = 2;

    /// <summary>The AppHost's arguments, with the catalog on <paramref name="store"/>.</summary>
    public static string[] AppHostArgumentsFor(string store) => [.. AppHostArguments, $"Database:Provider={store}"];

    public static string[] AppHostArguments { get; } =
    [
        // The per-tenant rate limit protects the API from one tenant; the bench is one tenant on purpose.
        "ApiService:Environment:RateLimiting__PermitLimit=1000000",
        string.Create(CultureInfo.InvariantCulture, $"Worker:Environment:Worker__Reports__Interval={TimeSpan.FromSeconds(ReportPeriodSeconds):c}"),
    ];
}
