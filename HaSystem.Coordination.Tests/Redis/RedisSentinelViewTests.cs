using HaSystem.Coordination.Redis;

namespace HaSystem.Coordination.Tests.Redis;

/// <summary>When waiting for a failover can help, and when a role has lost redundancy, from what the Sentinels see.</summary>
public sealed class RedisSentinelViewTests
{
    private static RedisSentinelView View(int sentinels = 3, bool primaryDown = false, int reachable = 2, int online = 2, bool failingOver = false) =>
        new("state", 3, sentinels, 2, "127.0.0.1:7000", primaryDown, failingOver, 2, reachable, online);

    // Guards the ride-through's stop condition: wait while a primary answers or a failover can promote one, give up
    // at once when no replica or no Sentinel quorum is left to promote one.
    [Theory]
    [InlineData(3, false, 2, true)]  // the primary is up: a reconnect or a moment's lag
    [InlineData(3, true, 2, true)]   // down, replicas answer, a quorum and a majority: a failover is coming
    [InlineData(2, true, 1, true)]   // one Sentinel and one replica lost: still 2 of 3 Sentinels
    [InlineData(3, true, 0, false)]  // down and no replica answers: nothing to promote
    [InlineData(1, true, 2, false)]  // down and 1 of 3 Sentinels: no quorum to agree, no majority to authorise
    [InlineData(0, false, 0, false)] // no Sentinel answers and the client has no primary
    public void Waiting_helps_only_while_a_primary_answers_or_can_be_promoted(int sentinels, bool primaryDown, int reachable, bool expected) =>
        Assert.Equal(expected, View(sentinels, primaryDown, reachable).CanRecover(clientHasPrimary: false));

    // Guards against failing writes at once because the Sentinels are down while the primary itself still answers.
    [Fact]
    public void Without_sentinels_a_client_that_has_a_primary_keeps_trying() =>
        Assert.True(View(sentinels: 0, reachable: 0).CanRecover(clientHasPrimary: true));

    [Fact]
    public void A_failover_under_way_is_always_worth_waiting_for() =>
        Assert.True(View(sentinels: 3, primaryDown: true, reachable: 0, failingOver: true).CanRecover(clientHasPrimary: false));

    [Fact]
    public void Before_the_first_answer_nothing_is_given_up_on() =>
        Assert.True(RedisSentinelView.Unknown("state", 3).CanRecover(clientHasPrimary: false));

    // Guards /health against saying Healthy when one more fault would stop the role.
    [Fact]
    public void Lost_redundancy_names_every_reason()
    {
        Assert.Empty(View().RedundancyProblems(clientHasPrimary: true));
        var problems = View(sentinels: 1, online: 1).RedundancyProblems(clientHasPrimary: true);
        Assert.Contains(problems, p => p.StartsWith("1 of 3 Sentinels answer (quorum 2): no failover can be authorised", StringComparison.Ordinal));
        Assert.Contains("1 of 2 replicas connected", problems);
        Assert.Contains("no primary", View(primaryDown: true).RedundancyProblems(clientHasPrimary: true));
        Assert.Contains("no primary", View().RedundancyProblems(clientHasPrimary: false));
    }
}
