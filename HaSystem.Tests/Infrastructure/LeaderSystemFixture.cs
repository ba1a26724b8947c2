namespace HaSystem.Tests.Infrastructure;

/// <summary>The system the <see cref="LeaderSystem"/> tests share.</summary>
public sealed class LeaderSystemFixture() : SystemFixture(Arguments)
{
    /// <summary>Reports every 2 s (instead of 10 s) so that each hand-over or failover spans several periods.</summary>
    public static readonly string[] Arguments = ["Worker:Environment:Worker__Reports__Interval=00:00:02"];
}
