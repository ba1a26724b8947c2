using HaSystem.Tests.Infrastructure;

namespace HaSystem.Tests.Coordination;

/// <summary>
/// The leader's sales reports as stored: one per period, none missing, fencing tokens that never go down. The same
/// body runs on each store (<see cref="SqliteReportTests"/>, <see cref="PostgresReportTests"/>).
/// </summary>
public abstract class ReportTests(SystemFixture fixture, ITestOutputHelper output)
{
    // Guards against the fenced report write (the fence's upsert and the report in one transaction, its unique period)
    // behaving differently on one store: a period written twice, skipped, or written with a lower token.
    [Fact(Timeout = 120_000)]
    public async Task Every_period_is_reported_once_with_fencing_tokens_that_never_go_down()
    {
        var system = fixture.System;
        var first = await Poll.UntilAsync("a first sales report", TimeSpan.FromSeconds(60),
            async _ => (await SalesReports.ReadAsync(system)).MaxBy(r => r.PeriodStart), () => system.Tracker.Describe(), TimeSpan.FromMilliseconds(500));
        var coverTo = first.PeriodStart + (2 * first.PeriodSeconds);

        await SalesReports.WaitForPeriodAsync(system, coverTo, TimeSpan.FromSeconds(60));

        output.WriteLine($"{fixture.Store}: {SalesReports.AssertExactlyOnce(await SalesReports.ReadAsync(system), first.PeriodStart, coverTo)}");
    }
}

/// <summary>The report test with the catalog on SQLite, on the shared running system.</summary>
[Collection(SharedRunningSystem.Name)]
public sealed class SqliteReportTests(RunningSystemFixture fixture, ITestOutputHelper output) : ReportTests(fixture, output);

/// <summary>The report test with the catalog on PostgreSQL.</summary>
[Collection(PostgresSystem.Name)]
public sealed class PostgresReportTests(PostgresSystemFixture fixture, ITestOutputHelper output) : ReportTests(fixture, output);
