using HaSystem.Contracts.Reports;

namespace HaSystem.ApiService.Tests.Reports;

/// <summary>The report-period arithmetic the worker and the API share: which periods are due, which may be reported.</summary>
public sealed class ReportPeriodsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_000_025); // 5 s into the period 1_000_020

    // Guards against a period reported before all its orders are in, or one that overlaps another.
    [Theory]
    [InlineData(1_000_010, 10, true)]   // over at 1_000_020
    [InlineData(1_000_020, 10, false)]  // still running
    [InlineData(1_000_015, 10, false)]  // not aligned to its length
    [InlineData(999_960, 60, true)]
    [InlineData(1_000_010, 0, false)]   // no length
    public void A_period_may_be_reported_once_it_is_over_and_only_when_aligned(long start, long length, bool allowed) =>
        Assert.Equal(allowed, ReportPeriods.IsAlignedAndFinished(start, length, Now));

    [Fact]
    public void With_none_produced_yet_only_the_last_finished_period_is_due() =>
        Assert.Equal([1_000_010L], ReportPeriods.Due(null, 10, 360, Now));

    // Guards a new leader filling exactly the periods its predecessor missed: none twice, none skipped.
    [Fact]
    public void A_new_leader_carries_on_after_the_last_period_produced()
    {
        Assert.Equal([999_990L, 1_000_000L, 1_000_010L], ReportPeriods.Due(999_980, 10, 360, Now));
        Assert.Empty(ReportPeriods.Due(1_000_010, 10, 360, Now));
    }

    [Fact]
    public void After_a_long_outage_only_the_latest_periods_up_to_the_catch_up_limit_are_due() =>
        Assert.Equal([999_990L, 1_000_000L, 1_000_010L], ReportPeriods.Due(0, 10, 3, Now));

    [Fact]
    public void A_last_period_that_is_not_aligned_resumes_at_the_next_aligned_one() =>
        Assert.Equal([1_000_000L, 1_000_010L], ReportPeriods.Due(999_995, 10, 360, Now));
}
