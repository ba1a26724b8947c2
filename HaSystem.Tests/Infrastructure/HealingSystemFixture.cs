namespace HaSystem.Tests.Infrastructure;

/// <summary>The system the <see cref="HealingSystem"/> tests share.</summary>
public sealed class HealingSystemFixture() : SystemFixture(Arguments)
{
    /// <summary>
    /// Workers report every 2 s (instead of 10 s) so that each leader hand-over or failover spans several report periods;
    /// otherwise the AppHost's defaults.
    /// </summary>
    public static readonly string[] Arguments = ["Worker:Environment:Worker__Reports__Interval=00:00:02"];
}
