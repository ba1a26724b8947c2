using System.Diagnostics;

namespace HaSystem.Testing.Load;

/// <summary>Time since the scenario started, from the monotonic clock.</summary>
public sealed class ScenarioClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public TimeSpan Now => Stopwatch.GetElapsedTime(_start);

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;
}
