using System.Diagnostics.Metrics;

namespace HaSystem.Worker.Leadership;

/// <summary>The worker's own meter: its replicas becoming or ceasing to be the leader (<c>hasystem.leader.changes</c>).</summary>
public sealed class LeadershipTelemetry : IDisposable
{
    /// <summary>The meter's name, exported with the service defaults' OpenTelemetry.</summary>
    public const string Name = "HaSystem.Worker";

    private readonly Meter _meter;

    /// <summary>Creates the meter and its counter.</summary>
    public LeadershipTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        Changes = _meter.CreateCounter<long>("hasystem.leader.changes", description: "This replica becoming or ceasing to be the leader.");
    }

    /// <summary>Counts <c>elected</c>, <c>lost</c> and <c>stepped-down</c>, as the tag <c>change</c>.</summary>
    public Counter<long> Changes { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
